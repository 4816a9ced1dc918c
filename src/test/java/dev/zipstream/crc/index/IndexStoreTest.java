package dev.zipstream.crc.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One file per folder, replaced atomically; unusable files and directories are survived, not fatal. */
class IndexStoreTest {

    @TempDir
    Path dir;

    @Test
    void aWrittenIndexIsReadBackAndLeavesNoTemporaryFile() throws Exception {
        IndexStore store = new IndexStore(dir.resolve("created/on/demand"));
        FolderIndex index = FolderIndex.of("7kna", List.of(new IndexEntry("a.jpg", "1:2:3:4", 42)));
        assertTrue(store.write(index));
        assertEquals(index, store.read("7kna").orElseThrow());
        try (var files = Files.list(store.directory())) {
            assertEquals(List.of("7kna.crcs"), files.map(f -> f.getFileName().toString()).toList());
        }
        assertEquals(0, store.errors());
    }

    @Test
    void folderIdsThatAreNotPlainNamesGetAHashedFileName() {
        IndexStore store = new IndexStore(dir);
        assertEquals(dir.resolve("7kna.crcs"), store.fileOf("7kna"));
        for (String id : List.of("a/b", "../x", "s3:bucket/prefix/7kna", ".hidden", "x.h")) {
            Path file = store.fileOf(id);
            assertEquals(dir, file.getParent(), id);
            assertTrue(file.getFileName().toString().matches("[0-9a-f]{64}\\.h\\.crcs"), id + " -> " + file);
        }
    }

    @Test
    void aCorruptFileIsIgnoredAndCounted() throws Exception {
        IndexStore store = new IndexStore(dir);
        Files.write(store.fileOf("7kna"), new byte[] {1, 2, 3});
        assertTrue(store.read("7kna").isEmpty());
        assertEquals(1, store.errors());
        assertTrue(store.read("nothing-here").isEmpty());
        assertEquals(1, store.errors(), "a missing file is no error");
    }

    @Test
    void aDirectoryThatCannotBeCreatedFailsTheWriteWithoutThrowing() throws Exception {
        Path notADirectory = Files.writeString(dir.resolve("file"), "x");
        IndexStore store = new IndexStore(notADirectory.resolve("index"));
        assertFalse(store.write(FolderIndex.of("7kna", List.of(new IndexEntry("a", "s", 1)))));
        assertFalse(store.write(FolderIndex.of("7kna", List.of(new IndexEntry("a", "s", 1)))));
        assertEquals(2, store.errors());
        assertTrue(store.read("7kna").isEmpty());
    }

    /** Writers racing on one folder's file (as replicas do) never leave a file a reader cannot use. */
    @Test
    void concurrentWritersNeverLeaveAnUnreadableFile() throws Exception {
        IndexStore store = new IndexStore(dir);
        AtomicBoolean writing = new AtomicBoolean(true);
        ExecutorService threads = Executors.newFixedThreadPool(3);
        try {
            List<Future<?>> writers = new ArrayList<>();
            for (int w = 0; w < 2; w++) {
                int writer = w;
                writers.add(threads.submit(() -> {
                    for (int round = 0; round < 300; round++) {
                        List<IndexEntry> entries = new ArrayList<>();
                        for (int i = 0; i < 50 + round % 50; i++) {
                            entries.add(new IndexEntry("file-" + i + ".jpg", writer + ":" + round, i));
                        }
                        assertTrue(store.write(FolderIndex.of("7kna", entries)));
                    }
                    return null;
                }));
            }
            Future<Integer> reader = threads.submit(() -> {
                int reads = 0;
                while (writing.get()) {
                    if (Files.exists(store.fileOf("7kna"))) {
                        IndexCodec.decode(Files.readAllBytes(store.fileOf("7kna")), "7kna");
                        reads++;
                    }
                }
                return reads;
            });
            for (Future<?> writer : writers) {
                writer.get(60, TimeUnit.SECONDS);
            }
            writing.set(false);
            assertTrue(reader.get(10, TimeUnit.SECONDS) > 0);
            assertEquals(0, store.errors());
        } finally {
            threads.shutdownNow();
        }
    }
}
