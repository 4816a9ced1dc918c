package dev.zipstream.s3;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import dev.zipstream.Fixtures;

/**
 * The objects the S3 tests serve, uploaded once per server, and the same trees as local folders where a test
 * compares the two storages. Keys below {@link #PREFIX}, so {@code S3_PREFIX} is exercised too.
 */
public final class S3Fixtures {

    public static final String BUCKET = "photos";
    public static final String PREFIX = "site/";

    /** Unicode and Cyrillic names, spaces, nested and implied folders, markers, empty objects, a hidden one. */
    public static final String ALBUM = "album";
    /** More than 1,000 keys, so the listing crosses a page. */
    public static final String MANY = "many";
    public static final int MANY_COUNT = 1_010;
    /** Objects whose CRC-32 S3 keeps, and the same without. */
    public static final String STORED = "stored";
    public static final String UNSTORED = "unstored";
    public static final int CRC_OBJECT_SIZE = 200_000;
    /** A safe object among keys that would make zip-slip or ambiguous entry names. */
    public static final String UNSAFE = "unsafe";
    /**
     * A download that outlasts the socket buffers and the read-ahead (overwrite, hang-up): {@code part0.bin} of
     * {@link #LARGE_SIZE}, then two of {@link #LARGE_TAIL_SIZE}; all three larger than a buffered part, so each is
     * one streamed GET, the third sent only once the first is read.
     */
    public static final String LARGE = "large";
    public static final int LARGE_SIZE = 24 << 20;
    public static final int LARGE_TAIL_SIZE = 2 << 20;

    private S3Fixtures() {
    }

    /** The album's files (key below the folder to content); markers are uploaded separately. */
    public static Map<String, byte[]> album() {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("Фото с отпуска/море.jpg", bytes(50_000, 1));
        files.put("Фото с отпуска/вложенная/горы 1.jpg", bytes(70_000, 2));
        files.put("日本/東京 タワー.jpg", bytes(1_000, 3));
        files.put("пустой.txt", new byte[0]);
        files.put("a b/c d.txt", bytes(300, 4));
        files.put("b/d/e.txt", new byte[0]);
        return files;
    }

    /** Directory markers of the album: one for an empty folder, one for a folder that also has files. */
    public static final String[] ALBUM_MARKERS = {"empty folder/", "a b/"};

    public static void upload(S3ProxyServer server) {
        server.createBucket(BUCKET);
        String album = PREFIX + ALBUM + "/";
        server.put(BUCKET, album, new byte[0], false);
        boolean stored = false;
        for (Map.Entry<String, byte[]> file : album().entrySet()) {
            server.put(BUCKET, album + file.getKey(), file.getValue(), stored = !stored);
        }
        for (String marker : ALBUM_MARKERS) {
            server.put(BUCKET, album + marker, new byte[0], false);
        }
        server.put(BUCKET, album + ".DS_Store", bytes(10, 5), false);
        // In parallel: S3Proxy takes a few milliseconds per PUT, mostly waiting.
        inParallel(MANY_COUNT,
                i -> server.put(BUCKET, PREFIX + MANY + "/" + manyKey(i), manyContent(i), i % 2 == 0));
        inParallel(3, i -> {
            server.put(BUCKET, PREFIX + STORED + "/photo" + i + ".jpg", bytes(CRC_OBJECT_SIZE, 10 + i), true);
            server.put(BUCKET, PREFIX + UNSTORED + "/photo" + i + ".jpg", bytes(CRC_OBJECT_SIZE, 20 + i), false);
        });
        String unsafe = PREFIX + UNSAFE + "/";
        server.put(BUCKET, unsafe + "safe.txt", bytes(100, 30), false);
        // Served, but under names safe for every extractor (the rules of storage.EntryNames, as on a volume).
        server.put(BUCKET, unsafe + "C:photo.jpg", bytes(40, 32), false);
        server.put(BUCKET, unsafe + "photo\u202Egpj.exe", bytes(40, 33), false);
        for (String key : UNSAFE_KEYS) {
            try {
                server.putOnce(BUCKET, unsafe + key, bytes(10, 31));
            } catch (software.amazon.awssdk.core.exception.SdkException refused) {
                // S3Proxy's filesystem backend cannot store some of these (AWS S3 can): nothing to leave out then
            }
        }
        // What the server really keeps below the folder: a client or server may normalise "a/../b" on the way.
        UNSAFE_KEYS_STORED.clear();
        server.client().listObjectsV2Paginator(request -> request.bucket(BUCKET).prefix(unsafe)
                .encodingType(software.amazon.awssdk.services.s3.model.EncodingType.URL)).contents().stream()
                .map(object -> object.key().substring(unsafe.length())).filter(key -> !SERVED_IN_UNSAFE.contains(key))
                .forEach(UNSAFE_KEYS_STORED::add);
        inParallel(3, i -> server.put(BUCKET, PREFIX + LARGE + "/part" + i + ".bin",
                bytes(i == 0 ? LARGE_SIZE : LARGE_TAIL_SIZE, 40 + i), true));
    }

    private static void inParallel(int count, java.util.function.IntConsumer upload) {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(12);
        try {
            List<java.util.concurrent.Future<?>> uploads = new java.util.ArrayList<>();
            for (int i = 0; i < count; i++) {
                int index = i;
                uploads.add(pool.submit(() -> upload.accept(index)));
            }
            for (java.util.concurrent.Future<?> done : uploads) {
                done.get();
            }
        } catch (InterruptedException | java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("upload failed", e);
        } finally {
            pool.shutdownNow();
        }
    }

    /** Keys that must never become entries (each below the {@code unsafe} folder). */
    public static final String[] UNSAFE_KEYS = {"../escape.txt", "a/../../escape.txt", "a//b.txt",
        "/rooted.txt", "back\\slash.txt", "ctl\u0001char.txt", "new\nline.txt"};

    /** The keys of the unsafe folder that are served (renamed where they must be). */
    static final List<String> SERVED_IN_UNSAFE = List.of("safe.txt", "C:photo.jpg", "photo\u202Egpj.exe");

    /** Those of {@link #UNSAFE_KEYS} the server accepted. */
    public static final List<String> UNSAFE_KEYS_STORED = new java.util.concurrent.CopyOnWriteArrayList<>();

    public static String manyKey(int i) {
        return String.format("d%02d/f%04d.bin", i / 100, i);
    }

    public static byte[] manyContent(int i) {
        return ("object " + i + "\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    public static byte[] bytes(int size, long seed) {
        byte[] content = new byte[size];
        new Random(seed).nextBytes(content);
        return content;
    }

    /** The album as a local folder below {@code root}, as the filesystem storage would serve it. */
    public static Path albumOnDisk(Path root) throws IOException {
        Path folder = root.resolve(ALBUM);
        Fixtures.deleteTree(folder);
        for (Map.Entry<String, byte[]> file : album().entrySet()) {
            Path path = folder.resolve(file.getKey());
            Files.createDirectories(path.getParent());
            Files.write(path, file.getValue());
        }
        for (String marker : ALBUM_MARKERS) {
            Files.createDirectories(folder.resolve(marker));
        }
        Files.write(folder.resolve(".DS_Store"), bytes(10, 5));
        return folder;
    }
}
