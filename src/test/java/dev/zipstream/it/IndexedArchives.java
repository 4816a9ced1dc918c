package dev.zipstream.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import dev.zipstream.crc.index.FolderIndex;
import dev.zipstream.crc.index.IndexStore;

/** What the CRC index tests share: folders of random files, archive checks, and waiting for an index file. */
final class IndexedArchives {

    private IndexedArchives() {
    }

    /** A folder of {@code count} files of {@code size} random bytes ({@code f00.jpg}, {@code f01.jpg}, ...). */
    static Path folder(Path root, String name, int count, int size, long seed) throws IOException {
        Path folder = Files.createDirectories(root.resolve(name));
        for (int i = 0; i < count; i++) {
            dev.zipstream.Fixtures.write(folder.resolve(String.format("f%02d.jpg", i)), size, seed + i);
        }
        return folder;
    }

    /**
     * Reads the whole archive with {@link ZipInputStream}, which checks every stored entry's CRC-32 against its
     * data, and requires exactly the folder's files with their bytes.
     */
    static void assertArchiveOf(Path folder, byte[] zip) throws IOException {
        List<String> names = new ArrayList<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                names.add(entry.getName());
                assertArrayEquals(Files.readAllBytes(folder.resolve(entry.getName())), in.readAllBytes(),
                        entry.getName());
            }
        }
        try (Stream<Path> files = Files.list(folder)) {
            assertEquals(files.map(f -> f.getFileName().toString()).sorted().toList(), names);
        }
    }

    /** Waits (up to 20 s) until the folder's index file holds {@code entries} entries; returns it. */
    static FolderIndex awaitIndexed(Path indexDir, String folder, int entries) throws Exception {
        IndexStore store = new IndexStore(indexDir);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        FolderIndex index = FolderIndex.empty(folder);
        while (System.nanoTime() < deadline) {
            index = store.read(folder).orElse(index);
            if (index.size() == entries) {
                return index;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the index of " + folder + " holds " + index.size() + " entries, not " + entries);
    }

    /** No stack trace in a service log: no "at pkg.Class.method(" lines, no "Exception:" headings. */
    static void assertNoStackTrace(String log) {
        assertTrue(!log.matches("(?s).*\\n\\s+at [\\w$.]+\\(.*") && !log.contains("Exception in thread"),
                "no stack trace in the log:\n" + log);
    }

    static long count(String text, String needle) {
        long count = 0;
        for (int at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + 1)) {
            count++;
        }
        return count;
    }
}
