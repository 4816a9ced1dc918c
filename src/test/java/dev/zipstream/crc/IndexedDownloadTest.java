package dev.zipstream.crc;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

import dev.zipstream.Fixtures;
import dev.zipstream.crc.index.FolderIndex;
import dev.zipstream.crc.index.IndexStore;

/**
 * In process, with the index and the background scan on (in a directory under target/, never the repository):
 * the scan indexes the root, the index file holds every file's CRC, a download then reads nothing for CRCs, and
 * the index's meters are exported under the names the dashboard and alert use.
 */
@QuarkusTest
@TestProfile(IndexedDownloadTest.Scanning.class)
class IndexedDownloadTest {

    static final Path ROOT = Path.of("target/indexed-download-test/photos").toAbsolutePath();
    static final Path INDEX = Path.of("target/indexed-download-test/index").toAbsolutePath();

    public static class Scanning implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            try {
                Fixtures.deleteTree(ROOT.getParent());
                for (int i = 0; i < 3; i++) {
                    Fixtures.write(Files.createDirectories(ROOT.resolve("album")).resolve("p" + i + ".jpg"),
                            200_000 + i, 40 + i);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return Map.of("folder.path", ROOT.toString(), "crc.index.dir", INDEX.toString(),
                    "index.scan.interval", "1h", "index.scan.min.age", "0s");
        }
    }

    private static double sample(String metrics, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(metrics);
        assertTrue(m.find(), series + " is exported");
        return Double.parseDouble(m.group(1));
    }

    private static String metrics() {
        return given().get("/q/metrics").then().statusCode(200).extract().asString();
    }

    @Test
    void theScanIndexesTheRootAndADownloadThenReadsNothingForCrcs() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (sample(metrics(), "archive_index_pending_files") != 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        String before = metrics();
        assertEquals(0, sample(before, "archive_index_pending_files"));
        assertEquals(600_003, sample(before, "archive_crc_bytes_read_total{reason=\"background\"}"));
        assertEquals(0, sample(before, "archive_index_errors_total"));
        double requestBytes = sample(before, "archive_crc_bytes_read_total{reason=\"request\"}");

        FolderIndex index = new IndexStore(INDEX).read("album").orElseThrow();
        assertEquals(3, index.size());
        byte[] zip = given().get("/archive/album/").then().statusCode(200).extract().asByteArray();
        assertTrue(zip.length > 600_003);
        assertEquals(requestBytes, sample(metrics(), "archive_crc_bytes_read_total{reason=\"request\"}"),
                "the download used the CRCs the scan found");
    }
}
