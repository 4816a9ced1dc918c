package dev.zipstream.http;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.zip.ZipEntry;

import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;

import dev.zipstream.Fixtures;

/** {@code COMPRESSION=deflate}: smaller archives of text, sent chunked and without ranges. */
@QuarkusTest
@TestProfile(DeflateModeTest.Deflate.class)
class DeflateModeTest {

    public static class Deflate implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("compression", "deflate");
        }
    }

    @BeforeEach
    void fixtures() {
        Fixtures.root();
    }

    @Test
    void deflatedArchiveIsChunkedSmallerAndReadByEveryReader() throws Exception {
        Path folder = Fixtures.root().resolve("text_files");
        Response response = given().get("/archive/text_files/").then().statusCode(200)
                .header("Content-Length", nullValue())
                .header("Transfer-Encoding", "chunked")
                .header("Accept-Ranges", "none")
                .contentType("application/zip")
                .extract().response();
        assertTrue(response.header("ETag").startsWith("W/\""), response.header("ETag"));
        byte[] zip = response.asByteArray();
        long plain = Files.size(folder.resolve("readme.txt")) + Files.size(folder.resolve("chapters/один.txt"));
        assertTrue(zip.length < plain / 10, "compressed " + plain + " bytes of text to " + zip.length);

        ArchiveResourceTest.assertSameEntries(ArchiveResourceTest.folderContents(folder),
                ArchiveResourceTest.readStreaming(zip));
        try (ZipFile zipFile = ZipFile.builder().setByteArray(zip).get()) {
            for (ZipArchiveEntry entry : Collections.list(zipFile.getEntries())) {
                if (!entry.isDirectory()) {
                    assertEquals(ZipEntry.DEFLATED, entry.getMethod(), entry.getName());
                    assertArrayEquals(Files.readAllBytes(folder.resolve(entry.getName())),
                            zipFile.getInputStream(entry).readAllBytes());
                }
            }
            assertTrue(zipFile.getEntry("chapters/empty/").isDirectory());
        }
    }

    @Test
    void rangesAreIgnoredAndValidatorsStillAnswer304() {
        byte[] whole = given().get("/archive/text_files/").then().statusCode(200).extract().asByteArray();
        Response ranged = given().header("Range", "bytes=10-20").get("/archive/text_files/").then()
                .statusCode(200).header("Content-Range", nullValue()).extract().response();
        assertArrayEquals(whole, ranged.asByteArray(), "the deflated archive is deterministic");
        given().header("If-None-Match", ranged.header("ETag")).get("/archive/text_files/").then().statusCode(304);
        given().head("/archive/text_files/").then().statusCode(200).header("Accept-Ranges", "none");
    }
}
