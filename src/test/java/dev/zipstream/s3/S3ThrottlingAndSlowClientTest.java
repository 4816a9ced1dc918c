package dev.zipstream.s3;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

import dev.zipstream.observability.DownloadTracker;

/**
 * The service against S3Proxy behind a {@link FaultyS3Proxy}: throttling ({@code 503 SlowDown}) before an object's
 * first byte is retried by the SDK and the archive is whole; throttling that never ends fails the download loudly;
 * and a client that stops reading stops the reads from S3, whose GETs end when it hangs up.
 */
@QuarkusTest
@QuarkusTestResource(value = FaultyS3ProxyResource.class, restrictToAnnotatedClass = true)
class S3ThrottlingAndSlowClientTest {

    /** Fewer than the SDK's attempts at one request (3 in its standard mode, 4 in its legacy one). */
    private static final int THROTTLED_GETS = 2;
    private static final int CLIENT_READS = 4 << 20;

    @TestHTTPResource("/")
    URL base;

    @Test
    void throttlingBeforeTheFirstByteIsRetriedAndTheArchiveIsWhole() throws Exception {
        FaultyS3Proxy proxy = FaultyS3ProxyResource.proxy();
        int slowDowns = proxy.slowDowns();
        int gets = proxy.objectGets();
        proxy.throttleObjectGets(THROTTLED_GETS);
        try {
            Response response = given().get("/archive/" + FaultyS3ProxyResource.THROTTLED + "/").then()
                    .statusCode(200).extract().response();
            byte[] zip = response.asByteArray();
            assertEquals(Long.parseLong(response.header("Content-Length")), zip.length);
            Map<String, byte[]> files = S3ArchiveTest.fileContents(zip); // ZipInputStream checks every CRC-32
            Map<String, byte[]> expected = FaultyS3ProxyResource.throttledObjects();
            assertEquals(expected.keySet(), files.keySet());
            expected.forEach((name, content) -> assertArrayEquals(content, files.get(name), name));
            assertEquals(slowDowns + THROTTLED_GETS, proxy.slowDowns(), "the proxy answered 503 SlowDown");
            assertTrue(proxy.objectGets() - gets >= expected.size(), "and the SDK sent those GETs again");
        } finally {
            proxy.throttleObjectGets(0);
        }
    }

    @Test
    void throttlingThatNeverEndsAbortsTheDownloadWithTheKeyInTheLog() throws Exception {
        FaultyS3Proxy proxy = FaultyS3ProxyResource.proxy();
        double failed = S3ArchiveTest.metric("archives_failed_total");
        int slowDowns = proxy.slowDowns();
        proxy.throttleObjectGets(Integer.MAX_VALUE);
        byte[] answer;
        try (CapturedLog log = new CapturedLog(DownloadTracker.class)) {
            try (Socket socket = new Socket(base.getHost(), base.getPort())) {
                socket.setSoTimeout(60_000);
                send(socket, "/archive/" + FaultyS3ProxyResource.THROTTLED + "/");
                answer = readUntilTheEnd(socket.getInputStream());
            }
            S3ArchiveTest.awaitMetric("archives_failed_total", failed + 1);
            List<String> aborted = log.messages().stream().filter(line -> line.startsWith("Download aborted"))
                    .toList();
            assertEquals(1, aborted.size(), log.messages().toString());
            assertTrue(aborted.get(0).matches(".*s3://" + S3Fixtures.BUCKET + "/" + S3Fixtures.PREFIX
                    + FaultyS3ProxyResource.THROTTLED + "/[a-c] .*503 SlowDown.*"), aborted.get(0));
        } finally {
            proxy.throttleObjectGets(0);
        }
        String text = new String(answer, StandardCharsets.ISO_8859_1);
        assertFalse(text.contains("Exception") || text.contains("\tat "), "no stack trace to the user");
        if (!text.isEmpty()) {
            // The head went out before the failure: the body must then fall short of its length.
            Matcher head = Pattern.compile("^HTTP/1.1 (\\d{3}) [^\r]*\r\n(?:.*\r\n)*?\r\n", Pattern.CASE_INSENSITIVE)
                    .matcher(text);
            assertTrue(head.find(), text);
            if (!head.group(1).equals("500")) {
                assertEquals("200", head.group(1), text);
                Matcher length = Pattern.compile("(?i)content-length: (\\d+)").matcher(head.group());
                assertTrue(length.find(), head.group());
                assertTrue(answer.length - head.end() < Long.parseLong(length.group(1)),
                        "never a complete-looking archive");
            }
        }
        assertTrue(proxy.slowDowns() - slowDowns >= 3, "every attempt of the SDK was throttled");
    }

    @Test
    void aClientThatStopsReadingStopsTheReadsFromS3() throws Exception {
        FaultyS3Proxy proxy = FaultyS3ProxyResource.proxy();
        long archive = (long) FaultyS3ProxyResource.BIG_OBJECTS * FaultyS3ProxyResource.BIG_OBJECT_SIZE;
        long before = proxy.responseBytes();
        int cut = proxy.objectResponsesCut();
        long fetched;
        try (Socket socket = new Socket()) {
            socket.setReceiveBufferSize(64 * 1024);
            socket.connect(new InetSocketAddress(base.getHost(), base.getPort()));
            send(socket, "/archive/" + FaultyS3ProxyResource.BIG + "/");
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[64 * 1024];
            long received = 0;
            while (received < CLIENT_READS) {
                int n = in.read(buffer);
                assertTrue(n > 0, "the archive stopped early");
                received += n;
            }
            fetched = awaitStable(() -> proxy.responseBytes() - before);
            System.out.printf("slow client: read %d, fetched from S3 %d, bound %d, archive %d%n", received, fetched,
                    bound(received, socket), archive);
            assertTrue(fetched <= bound(received, socket), "fetched " + fetched + " for " + received + " read");
            assertTrue(proxy.objectResponsesOpen() >= 1, "the GET is held open while the client is slow");
        }
        S3ArchiveTest.awaitMetric("archive_storage_requests_in_flight", 0);
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (proxy.objectResponsesOpen() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(0, proxy.objectResponsesOpen(), "no object response open at S3 after the hang-up");
        assertTrue(proxy.objectResponsesCut() > cut, "the GETs were aborted, not read to their end");
        long total = awaitStable(() -> proxy.responseBytes() - before);
        System.out.printf("slow client: after the hang-up, fetched %d in all%n", total);
        assertTrue(total < archive / 2, "fetched " + total + " of " + archive);
    }

    private long bound(long received, Socket socket) throws IOException {
        return received + 1 << 30;
    }

    /** The supplier's value once it has not changed for half a second (at most 30 s). */
    private static long awaitStable(LongSupplier value) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        long last = value.getAsLong();
        long since = System.nanoTime();
        while (System.nanoTime() - since < 500_000_000L) {
            assertTrue(System.nanoTime() < deadline, "still changing: " + last);
            Thread.sleep(20);
            long now = value.getAsLong();
            if (now != last) {
                last = now;
                since = System.nanoTime();
            }
        }
        return last;
    }

    private static void send(Socket socket, String path) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** Everything the server sends until it closes or resets the connection. */
    private static byte[] readUntilTheEnd(InputStream in) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] buffer = new byte[64 * 1024];
        try {
            for (int n; (n = in.read(buffer)) > 0;) {
                all.write(buffer, 0, n);
            }
        } catch (IOException reset) {
            // an aborted transfer ends so
        }
        return all.toByteArray();
    }
}
