package dev.zipstream.http;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;

import dev.zipstream.Fixtures;

/** The archive endpoint against the running application, over real HTTP. */
@QuarkusTest
class ArchiveResourceTest {

    @BeforeAll
    static void setUp() {
        Fixtures.root();
        RestAssured.enableLoggingOfRequestAndResponseIfValidationFails();
    }

    static Stream<String> servedFolders() {
        return Stream.of("7kna", "3bea29ccabbbf64bdebcc055319c5745", "af1ad8c76fda2e48ea9aed2937e972ea", "simple",
                "unicode_names", "big", "inner_link", "tiny");
    }

    @ParameterizedTest
    @MethodSource("servedFolders")
    void archiveHasExactLengthAndUnpacksToTheFolder(String hash) throws IOException {
        Response response = given().when().get("/archive/" + hash + "/").then()
                .statusCode(200)
                .contentType("application/zip")
                .header("Transfer-Encoding", nullValue())
                .header("Content-Disposition",
                        equalTo("attachment; filename=\"" + hash + ".zip\"; filename*=UTF-8''" + hash + ".zip"))
                .header("Accept-Ranges", "bytes")
                .header("Cache-Control", "private")
                .extract().response();
        byte[] body = response.asByteArray();
        assertEquals(Long.parseLong(response.header("Content-Length")), body.length);
        assertSameEntries(folderContents(Fixtures.root().resolve(hash)), readStreaming(body));
    }

    @Test
    void sampleFolderWithCyrillicNamesAndNestingUnpacks() throws IOException {
        byte[] body = get("/archive/af1ad8c76fda2e48ea9aed2937e972ea/");
        Map<String, byte[]> entries = readStreaming(body);
        assertTrue(entries.containsKey("Фото с отпуска/вложенная/горы 1.jpg"), entries.keySet().toString());
        assertTrue(entries.containsKey("Фото с отпуска/вложенная/"));
    }

    @Test
    void emptyFolderIsAValidEmptyZip() {
        Response response = given().get("/archive/empty/").then().statusCode(200).extract().response();
        assertEquals("22", response.header("Content-Length"));
        assertEquals(0x06054b50, java.nio.ByteBuffer.wrap(response.asByteArray())
                .order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt(0));
    }

    @Test
    void trailingSlashIsOptionalAndTwoRequestsGetTheSameBytes() {
        byte[] first = get("/archive/unicode_names/");
        byte[] second = get("/archive/unicode_names");
        assertArrayEquals(first, second);
    }

    @Test
    void headAnswersTheSameHeadersWithoutABody() {
        Response get = given().get("/archive/simple/").then().statusCode(200).extract().response();
        Response head = given().head("/archive/simple/").then().statusCode(200).extract().response();
        for (String name : new String[] {"Content-Length", "Content-Type", "Content-Disposition", "ETag",
                "Last-Modified", "Accept-Ranges", "Cache-Control"}) {
            assertEquals(get.header(name), head.header(name), name);
        }
        assertEquals(0, head.asByteArray().length);
    }

    @Test
    void linkThatStaysInsideTheRootIsFollowedAndDanglingOneSkipped() throws IOException {
        Map<String, byte[]> entries = readStreaming(get("/archive/inner_link/"));
        assertEquals(java.util.Set.of("alias.jpg", "real.jpg"), entries.keySet());
        assertArrayEquals(entries.get("real.jpg"), entries.get("alias.jpg"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/archive/missing/", "/archive/..%2F..%2Fetc/", "/archive/%2e%2e%2fetc/",
            "/archive/a%5Cb/", "/archive/a%00b/", "/archive/..%5C..%5Cetc/", "/archive/simple%2F..%2Fescape/",
            "/archive/escape/", "/archive/deep_escape/", "/archive/outside_link/", "/archive/root_link/", "/archive/.hidden/",
            "/archive/%20/", "/archive/simple/a.bin", "/archive/simple/../escape/", "/archive/",
            "/archive/a.b/", "/nothing-here"})
    void everyBadOrForeignPathGetsTheSameNotFound(String path) {
        String plain = given().urlEncodingEnabled(false).accept("*/*").get(path).then()
                .statusCode(404)
                .contentType(containsString("text/plain"))
                .body(not(containsString("must never be served")))
                .body(not(containsString("Exception")))
                .extract().asString();
        assertEquals("404 Archive not found\nThere is no archive at this address. Check that the link is complete.\n",
                plain);
        given().urlEncodingEnabled(false).accept("text/html,application/xhtml+xml,*/*;q=0.8").get(path).then()
                .statusCode(404)
                .contentType(containsString("text/html"))
                .body(containsString("<h1>Archive not found</h1>"));
    }

    @Test
    void overlongHashIsNotFound() {
        given().get("/archive/" + "a".repeat(129) + "/").then().statusCode(404);
        given().get("/archive/" + "a".repeat(128) + "/").then().statusCode(404)
                .body(containsString("Archive not found"));
    }

    @Test
    void unreadableFileIsFoundBeforeTheFirstByte() {
        given().accept("*/*").get("/archive/with_unreadable/").then()
                .statusCode(500)
                .contentType(containsString("text/plain"))
                .body(containsString("Archive unavailable"))
                .body(not(containsString("unreadable-")));
    }

    @Test
    void indexPageLinksTheSampleArchive() {
        given().accept("text/html").get("/").then().statusCode(200)
                .contentType(containsString("text/html"))
                .body(containsString("href=\"/archive/7kna/\""));
    }

    static byte[] get(String path) {
        return given().get(path).then().statusCode(200).extract().asByteArray();
    }

    /** Reads an archive the way a client does while downloading: one pass, no central directory. */
    static Map<String, byte[]> readStreaming(byte[] zip) throws IOException {
        return readStreaming(new ByteArrayInputStream(zip));
    }

    static Map<String, byte[]> readStreaming(InputStream zip) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (ZipInputStream in = new ZipInputStream(zip, StandardCharsets.UTF_8)) {
            for (ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                entries.put(entry.getName(), entry.isDirectory() ? new byte[0] : in.readAllBytes());
            }
        }
        return entries;
    }

    /** Every non-hidden file and folder below {@code folder}, as the archive should name them. */
    static Map<String, byte[]> folderContents(Path folder) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (Stream<Path> walk = Files.walk(folder)) {
            for (Path path : walk.sorted().toList()) {
                String relative = folder.relativize(path).toString();
                if (relative.isEmpty() || Arrays.stream(relative.split("/")).anyMatch(p -> p.startsWith("."))
                        || (Files.isSymbolicLink(path) && !Files.exists(path))) {
                    continue;
                }
                entries.put(Files.isDirectory(path) ? relative + "/" : relative,
                        Files.isDirectory(path) ? new byte[0] : Files.readAllBytes(path));
            }
        }
        return entries;
    }

    static void assertSameEntries(Map<String, byte[]> expected, Map<String, byte[]> actual) {
        assertEquals(expected.keySet(), actual.keySet());
        expected.forEach((name, bytes) -> assertArrayEquals(bytes, actual.get(name), name));
        assertFalse(expected.isEmpty());
    }
}
