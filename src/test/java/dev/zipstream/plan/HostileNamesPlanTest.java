package dev.zipstream.plan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.zipstream.HostileNames;
import dev.zipstream.Plans;
import dev.zipstream.stream.ArchiveBytes;

/**
 * The folder of hostile names, planned and written: each file that is not hidden is in the archive under exactly
 * the name the rules give it, with its own content (read by its stored bytes), and the order is deterministic.
 */
class HostileNamesPlanTest {

    @TempDir
    Path root;

    @Test
    void everyFileGoesInUnderItsSafeUniqueName() throws Exception {
        Path folder = root.resolve("upload");
        Map<String, byte[]> stored = HostileNames.make(folder);
        Map<String, String> expected = HostileNames.ENTRY_NAMES;
        assertEquals(new TreeMap<>(stored).keySet(), new TreeMap<>(expected).keySet(), "the fixture and this test");

        ArchivePlan plan = Plans.of(root, folder);
        byte[] zip = ArchiveBytes.of(plan);
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (ZipFile file = ZipFile.builder().setByteArray(zip).get()) {
            for (ZipArchiveEntry entry : java.util.Collections.list(file.getEntries())) {
                if (!entry.isDirectory()) {
                    try (InputStream in = file.getInputStream(entry)) {
                        entries.put(entry.getName(), in.readAllBytes());
                    }
                }
            }
        }
        assertEquals(new TreeMap<>(invert(expected)).keySet(), new TreeMap<>(entries).keySet());
        expected.forEach((raw, name) -> assertArrayEquals(stored.get(raw), entries.get(name), raw + " as " + name));
        assertEquals(plan.etag(), Plans.of(root, folder).etag(), "deterministic");
    }

    private static Map<String, String> invert(Map<String, String> map) {
        Map<String, String> out = new LinkedHashMap<>();
        map.forEach((k, v) -> out.put(v, k));
        return out;
    }
}
