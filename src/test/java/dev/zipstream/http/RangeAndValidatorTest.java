package dev.zipstream.http;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

import dev.zipstream.Fixtures;

/** Byte ranges, If-Range and conditional requests against slices of the whole archive. */
@QuarkusTest
class RangeAndValidatorTest {

    private static byte[] whole;
    private static String etag;
    private static String lastModified;

    @BeforeEach
    void downloadOnce() {
        Fixtures.root();
        if (whole != null) {
            return;
        }
        Response response = given().get("/archive/unicode_names/").then().statusCode(200).extract().response();
        whole = response.asByteArray();
        etag = response.header("ETag");
        lastModified = response.header("Last-Modified");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0-0", "0-99", "100-199", "30-", "-1", "-500", "5000-", "0-99999999"})
    void everyRangeFormIsTheMatchingSliceOfTheWhole(String spec) {
        int length = whole.length;
        int start;
        int end; // exclusive
        if (spec.startsWith("-")) {
            start = Math.max(0, length - Integer.parseInt(spec.substring(1)));
            end = length;
        } else {
            String[] parts = spec.split("-", -1);
            start = Integer.parseInt(parts[0]);
            end = parts[1].isEmpty() ? length : Math.min(length, Integer.parseInt(parts[1]) + 1);
        }
        Response response = given().header("Range", "bytes=" + spec).get("/archive/unicode_names/").then()
                .statusCode(206)
                .header("Content-Range", "bytes " + start + "-" + (end - 1) + "/" + length)
                .header("Content-Length", String.valueOf(end - start))
                .header("ETag", etag)
                .extract().response();
        assertArrayEquals(Arrays.copyOfRange(whole, start, end), response.asByteArray());
    }

    @Test
    void consecutiveSlicesRebuildTheArchive() {
        byte[] rebuilt = new byte[whole.length];
        for (int start = 0; start < whole.length; start += 7_777) {
            int end = Math.min(whole.length, start + 7_777);
            byte[] part = given().header("Range", "bytes=" + start + "-" + (end - 1))
                    .get("/archive/unicode_names/").then().statusCode(206).extract().asByteArray();
            System.arraycopy(part, 0, rebuilt, start, part.length);
        }
        assertArrayEquals(whole, rebuilt);
    }

    @Test
    void rangeBeyondTheEndIs416WithTheLength() {
        given().header("Range", "bytes=" + whole.length + "-").get("/archive/unicode_names/").then()
                .statusCode(416)
                .header("Content-Range", "bytes */" + whole.length);
    }

    @Test
    void severalRangesOrAnUnparsableOneGetTheWholeArchive() {
        for (String header : new String[] {"bytes=0-1,5-6", "bytes=abc", "items=0-5", "bytes=9-3"}) {
            byte[] body = given().header("Range", header).get("/archive/unicode_names/").then()
                    .statusCode(200).header("Content-Range", nullValue()).extract().asByteArray();
            assertArrayEquals(whole, body, header);
        }
    }

    @Test
    void ifRangeWithTheCurrentValidatorResumesAndAStaleOneGetsTheWholeArchive() {
        given().header("Range", "bytes=10-").header("If-Range", etag).get("/archive/unicode_names/").then()
                .statusCode(206);
        given().header("Range", "bytes=10-").header("If-Range", lastModified).get("/archive/unicode_names/")
                .then().statusCode(206);
        byte[] stale = given().header("Range", "bytes=10-").header("If-Range", "\"an-older-archive\"")
                .get("/archive/unicode_names/").then().statusCode(200).extract().asByteArray();
        assertArrayEquals(whole, stale);
        given().header("Range", "bytes=10-").header("If-Range", "Tue, 01 Jan 2019 00:00:00 GMT")
                .get("/archive/unicode_names/").then().statusCode(200);
    }

    @Test
    void conditionalRequestsAnswerNotModified() {
        given().header("If-None-Match", etag).get("/archive/unicode_names/").then().statusCode(304)
                .header("ETag", etag);
        given().header("If-None-Match", "\"other\", " + etag).get("/archive/unicode_names/").then()
                .statusCode(304);
        given().header("If-Modified-Since", lastModified).get("/archive/unicode_names/").then().statusCode(304);
        given().header("If-None-Match", "\"other\"").header("If-Modified-Since", lastModified)
                .get("/archive/unicode_names/").then().statusCode(200);
        given().header("If-Modified-Since", "Tue, 01 Jan 2019 00:00:00 GMT").get("/archive/unicode_names/")
                .then().statusCode(200);
    }

    @Test
    void headWithRangeMirrorsGet() {
        Response get = given().header("Range", "bytes=100-299").get("/archive/unicode_names/").then()
                .statusCode(206).extract().response();
        given().header("Range", "bytes=100-299").head("/archive/unicode_names/").then()
                .statusCode(206)
                .header("Content-Range", equalTo(get.header("Content-Range")))
                .header("Content-Length", "200");
        assertEquals(200, get.asByteArray().length);
    }
}
