package dev.zipstream.it;

import static dev.zipstream.it.IndexedArchives.assertArchiveOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.CRC32;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.zipstream.crc.index.FolderIndex;
import dev.zipstream.crc.index.IndexCodec;
import dev.zipstream.crc.index.IndexStore;

/**
 * Two service processes learning new CRCs of one folder at once, round after round, each rewriting the folder's
 * index file: a reader looking at the file all along never finds it unreadable, and in the end it holds the
 * current CRC of every file.
 */
class IndexConcurrencyIT {

    private static final int FILES = 8;
    private static final int SIZE = 32 * 1024;
    private static final int ROUNDS = 30;

    @TempDir
    Path work;

    @Test
    void twoWritersInALoopNeverLeaveAnUnreadableIndexFile() throws Exception {
        Path root = Files.createDirectories(work.resolve("photos"));
        Path folder = IndexedArchives.folder(root, "album", FILES, SIZE, 11);
        Path index = work.resolve("index");
        Path file = new IndexStore(index).fileOf("album");
        // Every round changes a file and downloads at once: no plan kept from before the change (README, "Plan
        // once, serve many": a kept plan is refused mid-stream once a file of it changed).
        Map<String, String> env = Map.of("FOLDER_PATH", root.toString(), "CRC_INDEX_DIR", index.toString(),
                "PLAN_CACHE_SECONDS", "0");
        AtomicBoolean running = new AtomicBoolean(true);
        ExecutorService threads = Executors.newFixedThreadPool(3);
        try (ServiceProcess one = ServiceProcess.start(work, env);
                ServiceProcess two = ServiceProcess.start(work, env)) {
            one.awaitReady();
            two.awaitReady();
            Future<Integer> reader = threads.submit(() -> {
                int reads = 0;
                while (running.get()) {
                    try {
                        IndexCodec.decode(Files.readAllBytes(file), "album");
                        reads++;
                    } catch (NoSuchFileException notYet) {
                        Thread.onSpinWait();
                    }
                }
                return reads;
            });
            for (int round = 0; round < ROUNDS; round++) {
                // A new version of one file per round: both processes learn its CRC and rewrite the index.
                dev.zipstream.Fixtures.write(folder.resolve(String.format("f%02d.jpg", round % FILES)), SIZE,
                        1000 + round);
                Future<byte[]> first = threads.submit(() -> ServiceHttp.request(one, "GET", "/archive/album/").body());
                byte[] second = ServiceHttp.request(two, "GET", "/archive/album/").body();
                assertArchiveOf(folder, first.get(30, TimeUnit.SECONDS));
                assertArchiveOf(folder, second);
                if (round % 10 == 9) {
                    // Let both writers flush (once a second each) while the files stay as they are.
                    awaitCurrent(index, folder);
                }
            }
            FolderIndex last = awaitCurrent(index, folder);
            running.set(false);
            assertTrue(reader.get(10, TimeUnit.SECONDS) > ROUNDS, "the reader read the file all along");
            assertEquals(FILES, last.size());
            assertEquals(0, ServiceHttp.metric(one, "archive_index_errors_total", "")
                    + ServiceHttp.metric(two, "archive_index_errors_total", ""));
        } finally {
            running.set(false);
            threads.shutdownNow();
        }
    }

    /** Waits (up to 20 s) until the index holds every file's current CRC. */
    private static FolderIndex awaitCurrent(Path index, Path folder) throws Exception {
        IndexStore store = new IndexStore(index);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            FolderIndex read = store.read("album").orElse(FolderIndex.empty("album"));
            int right = 0;
            for (int i = 0; i < FILES; i++) {
                String name = String.format("f%02d.jpg", i);
                CRC32 crc = new CRC32();
                crc.update(Files.readAllBytes(folder.resolve(name)));
                var entry = read.entries().get(name);
                if (entry != null && Integer.toUnsignedLong(entry.crc32()) == crc.getValue()) {
                    right++;
                }
            }
            if (right == FILES) {
                return read;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(right + " of " + FILES + " CRCs in the index are current");
            }
            Thread.sleep(50);
        }
    }
}
