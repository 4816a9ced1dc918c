package dev.zipstream;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Random;
import java.util.zip.CRC32;

/**
 * Folders of the shapes that stress ranges and ZIP64, under {@code target/test-shapes}: an empty folder, empty
 * files, very long UTF-8 names, 65,536 entries, and a 5 GiB sparse file followed by a small one.
 *
 * <p>Unlike {@link Fixtures}, these are made once and kept across test runs (each folder is complete when its
 * hidden {@code .complete} marker exists; the scanner leaves hidden names out): the 65,536 files take seconds to
 * create, and keeping the sparse file keeps its pages cached, so the CRC-32 of 5 GiB is read from memory after the
 * first run. Both the {@code @QuarkusTest}s (through a profile) and the packaged service of the ITs serve this root.
 */
public final class ShapeFixtures {

    public static final Path ROOT = Path.of("target/test-shapes").toAbsolutePath();

    /** 64 folders of 1,023 one-byte files: 65,536 entries, one more than a 16-bit count holds. */
    public static final String MANY = "many_entries";
    public static final int MANY_FOLDERS = 64;
    public static final int MANY_FILES_PER_FOLDER = 1023;
    public static final int MANY_ENTRIES = MANY_FOLDERS * (MANY_FILES_PER_FOLDER + 1);

    /** {@code a_video.bin}, 5 GiB sparse (zeros but a marked tail), then {@code b_after.jpg} past 4 GiB. */
    public static final String SPARSE = "sparse_5g";
    public static final String SPARSE_VIDEO = "a_video.bin";
    public static final String SPARSE_AFTER = "b_after.jpg";
    public static final long SPARSE_VIDEO_SIZE = 5L << 30;
    public static final int SPARSE_TAIL = 4096;
    public static final int SPARSE_AFTER_SIZE = 1000;

    public static final String EMPTY = "empty";
    public static final String EMPTY_FILES = "empty_files";
    public static final String LONG_NAMES = "long_names";

    private static final FileTime TIME = FileTime.from(Instant.parse("2024-05-17T10:15:30Z"));

    private ShapeFixtures() {
    }

    /** The root with every shape folder present. */
    public static synchronized Path root() {
        try {
            empty();
            emptyFiles();
            longNames();
            manyEntries();
            sparse();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return ROOT;
    }

    /** Only the sparse folder (what the resume ITs need). */
    public static synchronized Path sparseRoot() {
        try {
            sparse();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return ROOT;
    }

    private static void empty() throws IOException {
        Files.createDirectories(ROOT.resolve(EMPTY));
    }

    private static void emptyFiles() throws IOException {
        Path folder = ROOT.resolve(EMPTY_FILES);
        if (complete(folder)) {
            return;
        }
        Fixtures.deleteTree(folder);
        for (String name : new String[] {"a.txt", "b/c.txt", "b/d/e.txt", "f.txt"}) {
            Fixtures.write(folder.resolve(name), 0, 0);
        }
        Fixtures.write(folder.resolve("g_between.bin"), 300, 21);
        Fixtures.write(folder.resolve("h.txt"), 0, 0);
        Files.createDirectories(folder.resolve("i_empty_dir"));
        markComplete(folder);
    }

    /** Components of 200+ UTF-8 bytes (Cyrillic, CJK, emoji), three levels deep. */
    public static String longComponent(String base, int utf8Bytes) {
        StringBuilder name = new StringBuilder(base);
        String[] alphabet = {"ж", "語", "😀", "é", "x"};
        for (int i = 0; name.toString().getBytes(StandardCharsets.UTF_8).length < utf8Bytes; i++) {
            name.append(alphabet[i % alphabet.length]);
        }
        return name.toString();
    }

    private static void longNames() throws IOException {
        Path folder = ROOT.resolve(LONG_NAMES);
        if (complete(folder)) {
            return;
        }
        Fixtures.deleteTree(folder);
        Path deep = folder.resolve(longComponent("Фото_", 210)).resolve(longComponent("日本_", 220))
                .resolve(longComponent("deeper_", 230));
        Fixtures.write(deep.resolve(longComponent("photo_", 240) + ".jpg"), 20_000, 31);
        Fixtures.write(deep.getParent().resolve(longComponent("other_", 250) + ".jpg"), 5_000, 32);
        Fixtures.write(folder.resolve(longComponent("top_", 201)), 1, 33);
        markComplete(folder);
    }

    private static void manyEntries() throws IOException {
        Path folder = ROOT.resolve(MANY);
        if (complete(folder)) {
            return;
        }
        long start = System.nanoTime();
        Fixtures.deleteTree(folder);
        for (int d = 0; d < MANY_FOLDERS; d++) {
            Path sub = Files.createDirectories(folder.resolve(manyFolder(d)));
            for (int f = 0; f < MANY_FILES_PER_FOLDER; f++) {
                Files.write(sub.resolve(manyFile(f)), new byte[] {manyByte(d, f)});
            }
        }
        markComplete(folder);
        System.out.printf("ShapeFixtures: made %d entries in %d ms%n", MANY_ENTRIES,
                (System.nanoTime() - start) / 1_000_000);
    }

    public static String manyFolder(int d) {
        return String.format("d%02d", d);
    }

    public static String manyFile(int f) {
        return String.format("f%04d.bin", f);
    }

    public static byte manyByte(int d, int f) {
        return (byte) (d * 31 + f);
    }

    private static void sparse() throws IOException {
        Path folder = ROOT.resolve(SPARSE);
        if (complete(folder)) {
            return;
        }
        Fixtures.deleteTree(folder);
        Files.createDirectories(folder);
        Path video = folder.resolve(SPARSE_VIDEO);
        try (RandomAccessFile file = new RandomAccessFile(video.toFile(), "rw")) {
            file.setLength(SPARSE_VIDEO_SIZE);
            file.seek(SPARSE_VIDEO_SIZE - SPARSE_TAIL);
            file.write(sparseTail());
        }
        Files.setLastModifiedTime(video, TIME);
        Fixtures.write(folder.resolve(SPARSE_AFTER), SPARSE_AFTER_SIZE, 41);
        markComplete(folder);
    }

    /** The last {@link #SPARSE_TAIL} bytes of the sparse video; every byte before them is zero. */
    public static byte[] sparseTail() {
        byte[] tail = new byte[SPARSE_TAIL];
        new Random(40).nextBytes(tail);
        return tail;
    }

    /** The sparse video's CRC-32, computed in memory (zeros, then the tail), never from the file. */
    public static long sparseVideoCrc() {
        CRC32 crc = new CRC32();
        ByteBuffer zeros = ByteBuffer.allocateDirect(1 << 20);
        long remaining = SPARSE_VIDEO_SIZE - SPARSE_TAIL;
        while (remaining > 0) {
            zeros.clear();
            zeros.limit((int) Math.min(zeros.capacity(), remaining));
            remaining -= zeros.remaining();
            crc.update(zeros);
        }
        crc.update(sparseTail());
        return crc.getValue();
    }

    private static boolean complete(Path folder) {
        return Files.exists(folder.resolve(".complete"));
    }

    private static void markComplete(Path folder) throws IOException {
        Files.writeString(folder.resolve(".complete"), "made by ShapeFixtures\n");
    }
}
