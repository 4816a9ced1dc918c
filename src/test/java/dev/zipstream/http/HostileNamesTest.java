package dev.zipstream.http;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.InputStream;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

import dev.zipstream.Fixtures;
import dev.zipstream.HostileNames;

/**
 * The hostile names through the running application: the stored bytes of names that are not UTF-8 reach the
 * planner here too (inside the {@code @QuarkusTest} class loader, as in the packaged jar), so every entry has
 * its rule-given name and its own content.
 */
@QuarkusTest
class HostileNamesTest {

    @Test
    void everyEntryHasItsSafeNameAndItsOwnContent() throws Exception {
        Map<String, byte[]> stored = HostileNames.make(Fixtures.root().resolve("hostile_names"));
        byte[] zip = given().get("/archive/hostile_names/").then().statusCode(200).extract().asByteArray();
        Map<String, byte[]> entries = new TreeMap<>();
        try (ZipFile file = ZipFile.builder().setByteArray(zip).get()) {
            for (ZipArchiveEntry entry : Collections.list(file.getEntries())) {
                if (!entry.isDirectory()) {
                    try (InputStream in = file.getInputStream(entry)) {
                        entries.put(entry.getName(), in.readAllBytes());
                    }
                }
            }
        }
        assertEquals(new TreeMap<>(Map.copyOf(invert(HostileNames.ENTRY_NAMES))).keySet(), entries.keySet());
        HostileNames.ENTRY_NAMES.forEach((raw, name) -> assertArrayEquals(stored.get(raw), entries.get(name), name));
    }

    private static Map<String, String> invert(Map<String, String> map) {
        Map<String, String> out = new TreeMap<>();
        map.forEach((k, v) -> out.put(v, k));
        return out;
    }
}
