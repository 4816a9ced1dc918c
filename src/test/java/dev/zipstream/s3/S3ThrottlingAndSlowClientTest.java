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
import java.lang.reflect.Field;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

import dev.zipstream.config.ServiceSettings;
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
    /**
     * What one open streamed response holds in the service above the socket, generously: the Apache HTTP
     * client's session buffer is 8 KiB, and the heads of the responses read count too.
     */
    private static final long STREAM_BUFFER = 64 * 1024;
    private static final String READER = "dev.zipstream.storage.s3.S3EntryReader";

    @TestHTTPResource("/")
    URL base;

    @Inject
    ServiceSettings settings;

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
            S3ArchiveTest.awaitMetric("archive_storage_requests_in_flight", 0);
            assertTrue(aborted.get(0).matches(".*s3://" + S3Fixtures.BUCKET + "/" + S3Fixtures.PREFIX
                    + FaultyS3ProxyResource.THROTTLED + "/[a-c] .*503 SlowDown.*"), aborted.get(0));
        } finally {
            proxy.throttleObjectGets(0);
        }
        String text = new String(answer, StandardCharsets.ISO_8859_1);
        assertFalse(text.contains("Exception") || text.contains("\tat "), "no stack trace to the user");
        if (!text.isEmpty()) {
            // The head went out before the failure: a 500, or a 200 whose body falls short of its length.
            int headEnd = text.indexOf("\r\n\r\n") + 4;
            assertTrue(headEnd > 4, text);
            String head = text.substring(0, headEnd);
            if (!head.startsWith("HTTP/1.1 500 ")) {
                assertTrue(head.startsWith("HTTP/1.1 200 "), head);
                Matcher length = Pattern.compile("(?i)content-length: (\\d+)").matcher(head);
                assertTrue(length.find(), head);
                assertTrue(answer.length - headEnd < Long.parseLong(length.group(1)),
                        "never a complete-looking archive");
            }
        }
        assertTrue(proxy.slowDowns() - slowDowns >= 3, "every attempt of the SDK was throttled");
    }

    /**
     * The client reads a few MiB and stops. What the proxy forwarded from S3Proxy is then, byte for byte, either
     * in the kernel's socket buffers on the way (S3Proxy's side to the service, the service to the client: read
     * from {@code /proc/net/tcp}), read by the client, or held by the service, and the service promises to hold
     * at most: the chunks requested or being written ({@code CopyingResponseWriter.CHUNKS_IN_FLIGHT} of
     * {@code S3_CHUNK_SIZE}), the download's read-ahead ({@code S3EntryReader.READ_AHEAD_BYTES}, parts read whole
     * into memory), and the buffers of the streamed responses it holds open ({@code S3EntryReader.STREAMS_AHEAD},
     * each the HTTP client's few KiB). Every object here is streamed, so the read-ahead term is slack; a reader
     * that fetched past the window would still exceed the bound by the size of an object. Then the client hangs
     * up: every GET ends (the gauge, and at S3 every object response stops, cut short) and nothing more is
     * fetched.
     */
    @Test
    void aClientThatStopsReadingStopsTheReadsFromS3() throws Exception {
        Assumptions.assumeTrue(TcpQueues.available(), "the kernel's socket queues are read from /proc/net/tcp");
        FaultyS3Proxy proxy = FaultyS3ProxyResource.proxy();
        long archive = (long) FaultyS3ProxyResource.BIG_OBJECTS * FaultyS3ProxyResource.BIG_OBJECT_SIZE;
        long before = proxy.responseBytes();
        int cut = proxy.objectResponsesCut();
        try (Socket socket = new Socket()) {
            socket.setReceiveBufferSize(64 * 1024);
            socket.connect(new InetSocketAddress(base.getHost(), base.getPort()));
            send(socket, "/archive/" + FaultyS3ProxyResource.BIG + "/");
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[64 * 1024];
            long read = 0;
            while (read < CLIENT_READS) {
                int n = in.read(buffer);
                assertTrue(n > 0, "the archive stopped early");
                read += n;
            }
            long fetched = awaitStable(() -> proxy.responseBytes() - before);
            long toService = TcpQueues.inTransitFrom(proxy.port());
            long toClient = TcpQueues.inTransitFrom(base.getPort());
            long streams = constant(READER, "STREAMS_AHEAD");
            long chunks = constant("dev.zipstream.http.CopyingResponseWriter", "CHUNKS_IN_FLIGHT");
            long held = chunks * settings.s3ChunkSize() + constant(READER, "READ_AHEAD_BYTES")
                    + streams * STREAM_BUFFER;
            String figures = String.format("fetched %d of %d: the client read %d, in socket buffers %d to the service "
                    + "and %d to the client, so the service holds %d (at most %d)", fetched, archive, read, toService,
                    toClient, fetched - read - toService - toClient, held);
            System.out.println("Slow client: " + figures);
            assertTrue(fetched <= read + toService + toClient + held, figures);
            assertTrue(fetched < archive / 4, figures);
            int open = proxy.objectResponsesOpen();
            assertTrue(open >= 1 && open <= streams, open + " GETs held open while the client is slow");
        }
        S3ArchiveTest.awaitMetric("archive_storage_requests_in_flight", 0);
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (proxy.objectResponsesOpen() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(20); // the aborted GETs' connections close at the proxy
        }
        assertEquals(0, proxy.objectResponsesOpen(), "no object response open at S3 after the hang-up");
        assertTrue(proxy.objectResponsesCut() > cut, "the GETs were aborted, not read to their end");
        long total = awaitStable(() -> proxy.responseBytes() - before);
        assertTrue(total < archive / 4, "fetched " + total + " of " + archive + " in all");
    }

    /** A package-private constant of the application's code, so the bound follows the code. */
    private static long constant(String className, String field) throws ReflectiveOperationException {
        Field constant = Class.forName(className).getDeclaredField(field);
        constant.setAccessible(true);
        return ((Number) constant.get(null)).longValue();
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
