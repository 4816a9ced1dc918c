package dev.zipstream.s3;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;

import dev.zipstream.http.ArchiveResource;
import dev.zipstream.storage.Readiness;
import dev.zipstream.storage.s3.S3Clients;
import dev.zipstream.storage.s3.S3Storage;

/**
 * What an operator sees when the bucket is wrong: readiness DOWN with the reason in the health data and one log
 * line, a 500 "Archive unavailable" naming the prefix in the log, never a stack trace to the user; and wrong
 * credentials against a bucket that exists.
 */
@QuarkusTest
@QuarkusTestResource(value = S3ProxyResource.class, restrictToAnnotatedClass = true, initArgs = {
    @ResourceArg(name = "bucket", value = "no-such-bucket"), @ResourceArg(name = "fixtures", value = "false")})
class S3FailuresTest {

    @Test
    void aMissingBucketKeepsReadinessDownWithTheReason() {
        given().get("/q/health/ready").then().statusCode(503)
                .body("checks.find { it.name == 'archive-folder' }.status", org.hamcrest.Matchers.is("DOWN"))
                .body("checks.find { it.name == 'archive-folder' }.data.reason",
                        org.hamcrest.Matchers.is("S3 bucket not found"))
                .body("checks.find { it.name == 'archive-folder' }.data.storage", org.hamcrest.Matchers.is("s3"))
                .body(not(containsString("no-such-bucket")));
        given().get("/q/health/live").then().statusCode(200);
    }

    @Test
    void anArchiveOfAMissingBucketIs500WithTheKeyInTheLogAndNoStackTrace() {
        try (CapturedLog log = new CapturedLog(ArchiveResource.class)) {
            given().accept("text/html").get("/archive/album/").then().statusCode(500)
                    .body(containsString("Archive unavailable")).body(not(containsString("Exception")))
                    .body(not(containsString("no-such-bucket")));
            List<String> lines = log.messages().stream().filter(line -> line.contains("unavailable")).toList();
            assertEquals(1, lines.size(), log.messages().toString());
            assertTrue(lines.get(0).contains("s3://no-such-bucket/site/album/"), lines.get(0));
            assertTrue(lines.get(0).contains("no such bucket"), lines.get(0));
        }
    }

    @Test
    void wrongCredentialsKeepReadinessDownWithAClearLogLine() {
        S3ProxyServer server = S3ProxyResource.server();
        StaticCredentialsProvider wrong = StaticCredentialsProvider
                .create(AwsBasicCredentials.create(S3ProxyServer.IDENTITY, "not-the-secret"));
        S3Storage storage = new S3Storage(S3Clients.build(Optional.of(server.endpoint()),
                Optional.of(S3ProxyServer.REGION), true, 4, wrong), S3Fixtures.BUCKET, "", 2);
        try (CapturedLog log = new CapturedLog(S3Storage.class)) {
            Readiness readiness = storage.readiness();
            assertFalse(readiness.up());
            assertEquals("S3 access denied: check the credentials and the bucket policy", readiness.reason());
            assertEquals(1, log.count("cannot be served: S3 access denied"), log.messages().toString());
            storage.readiness();
            assertEquals(1, log.messages().size(), "logged once, not at every probe");
        } finally {
            storage.close();
        }
    }
}
