package dev.zipstream.http;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.OutputStream;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

import dev.zipstream.Fixtures;
import dev.zipstream.Plans;
import dev.zipstream.stream.ArchiveBytes;

/**
 * {@code ZERO_COPY_THREADS=1}: a single thread makes every zero-copy batch. Downloads whose clients stall hold
 * none of it (they wait for room on the socket, not on the thread), and first downloads, whose CRC-32s are read
 * from the files on the worker pool, hold it no longer than a batch: many downloads at once all complete, byte
 * for byte.
 */
@QuarkusTest
@TestProfile(OneZeroCopyThreadTest.OneThread.class)
class OneZeroCopyThreadTest {

    public static class OneThread implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("zero.copy.threads", "1");
        }
    }

    @TestHTTPResource("/")
    URL base;

    @Inject
    ZeroCopyWorkers zeroCopyWorkers;

    /**
     * A first download, whose CRC-32 is not in memory, is made on the worker pool: it completes while the one
     * zero-copy thread is kept busy elsewhere (were it queued behind that thread, no byte would come).
     */
    @Test
    void aBatchThatReadsACrcFromItsFileDoesNotWaitForTheZeroCopyThread() throws Exception {
        byte[] expected = ArchiveBytes.of(Plans.of(Fixtures.root().toRealPath(), Fixtures.ROOT.resolve("tiny")));
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch busy = new CountDownLatch(1);
        zeroCopyWorkers.execute(() -> {
            busy.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        try {
            busy.await();
            // Plain HTTP/1.1 (not an h2c upgrade), the zero-copy path; the headers come at once, the body would not.
            HttpResponse<byte[]> response = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
                    .sendAsync(HttpRequest.newBuilder(URI.create(base + "archive/tiny/")).build(),
                            HttpResponse.BodyHandlers.ofByteArray())
                    .get(20, TimeUnit.SECONDS);
            assertEquals(200, response.statusCode());
            assertArrayEquals(expected, response.body());
        } finally {
            release.countDown();
        }
    }

    @Test
    void stalledAndColdDownloadsLeaveTheOneThreadToEveryOtherDownload() throws Exception {
        byte[] smallFiles = ArchiveBytes.of(Plans.of(Fixtures.root().toRealPath(), Fixtures.ROOT.resolve("small_files")));
        byte[] simple = ArchiveBytes.of(Plans.of(Fixtures.root().toRealPath(), Fixtures.ROOT.resolve("simple")));
        List<Socket> stalled = new ArrayList<>();
        ExecutorService clients = Executors.newFixedThreadPool(8);
        try {
            for (int i = 0; i < 2; i++) {
                stalled.add(stalledDownload("/archive/big/"));
            }
            List<CompletableFuture<byte[]>> smallDownloads = new ArrayList<>();
            List<CompletableFuture<byte[]>> simpleDownloads = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                smallDownloads.add(CompletableFuture.supplyAsync(() -> download("/archive/small_files/"), clients));
                simpleDownloads.add(CompletableFuture.supplyAsync(() -> download("/archive/simple/"), clients));
            }
            for (CompletableFuture<byte[]> download : smallDownloads) {
                assertArrayEquals(smallFiles, download.get(60, TimeUnit.SECONDS));
            }
            for (CompletableFuture<byte[]> download : simpleDownloads) {
                assertArrayEquals(simple, download.get(60, TimeUnit.SECONDS));
            }
            given().head("/archive/small_files/").then().statusCode(200);
        } finally {
            clients.shutdownNow();
            for (Socket socket : stalled) {
                socket.close();
            }
        }
        DownloadLifecycleTest.awaitMetric("archives_active", 0);
    }

    private static byte[] download(String path) {
        return given().get(path).then().statusCode(200).extract().asByteArray();
    }

    /** A download whose client reads its first byte and then nothing: the server's window fills and waits. */
    private Socket stalledDownload(String path) throws Exception {
        Socket socket = new Socket(base.getHost(), base.getPort());
        socket.setReceiveBufferSize(8 * 1024);
        OutputStream out = socket.getOutputStream();
        out.write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        socket.getInputStream().read();
        return socket;
    }
}
