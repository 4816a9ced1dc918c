package dev.zipstream.http;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

import dev.zipstream.Fixtures;

/** What the meters and the file system see of downloads that complete, fail to exist, or are cut off. */
@QuarkusTest
class DownloadLifecycleTest {

    @TestHTTPResource("/")
    URL base;

    @BeforeEach
    void fixtures() {
        Fixtures.root();
    }

    @Test
    void countersFollowCompletedAndNotFoundDownloads() {
        double started = metric("archives_started_total");
        double completed = metric("archives_completed_total");
        double notFound = metric("archives_not_found_total");
        double bytes = metric("archive_bytes_sent_total");
        byte[] body = given().get("/archive/simple/").then().statusCode(200).extract().asByteArray();
        given().get("/archive/no-such-folder/").then().statusCode(404);
        awaitMetric("archives_completed_total", completed + 1);
        assertEquals(started + 1, metric("archives_started_total"));
        assertEquals(notFound + 1, metric("archives_not_found_total"));
        assertEquals(bytes + body.length, metric("archive_bytes_sent_total"));
        assertEquals(0, metric("archives_active"));
        assertTrue(metric("archive_download_seconds_count") >= 1);
    }

    @Test
    void clientHangingUpMidDownloadIsCountedAndLeavesNoOpenFile() throws Exception {
        double cancelled = metric("archives_cancelled_total");
        double bytes = metric("archive_bytes_sent_total");
        int read = 0;
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setReceiveBufferSize(16 * 1024);
            OutputStream out = socket.getOutputStream();
            out.write(("GET /archive/big/ HTTP/1.1\r\nHost: localhost\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[64 * 1024];
            while (read < 200_000) {
                int n = in.read(buffer);
                assertTrue(n > 0, "the archive stopped early");
                read += n;
            }
            assertTrue(openFilesUnder(Fixtures.root()) > 0, "a file of the archive is open while it streams");
        }
        awaitMetric("archives_cancelled_total", cancelled + 1);
        // Cut off inside its first file, whose bytes go by sendfile: what the client got was sent, and counts.
        double sent = metric("archive_bytes_sent_total") - bytes;
        assertTrue(sent >= read, "bytes sent " + sent + " while the client received " + read);
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (openFilesUnder(Fixtures.root()) > 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(0, openFilesUnder(Fixtures.root()), "every file handle closed after the hang-up");
        assertEquals(0, metric("archives_active"));
    }

    @Test
    void parallelDownloadsAreByteIdentical() throws Exception {
        byte[] reference = given().get("/archive/big/").then().statusCode(200).extract().asByteArray();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<byte[]>> downloads = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                Callable<byte[]> download = () -> given().get("/archive/big/").then().statusCode(200).extract()
                        .asByteArray();
                downloads.add(pool.submit(download));
            }
            for (Future<byte[]> download : downloads) {
                assertArrayEquals(reference, download.get());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** Descriptors of this JVM (which runs the application) open on files below {@code root}. */
    static long openFilesUnder(Path root) throws IOException {
        Path realRoot = root.toRealPath();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.filter(fd -> {
                try {
                    return Files.readSymbolicLink(fd).startsWith(realRoot);
                } catch (IOException gone) {
                    return false;
                }
            }).count();
        }
    }

    static double metric(String name) {
        String text = given().get("/q/metrics").then().statusCode(200).extract().asString();
        String series = name.contains("{") ? Pattern.quote(name) : Pattern.quote(name) + "(\\{[^}]*\\})?";
        Matcher m = Pattern.compile("(?m)^" + series + " ([0-9.eE+-]+)$").matcher(text);
        double sum = 0;
        boolean found = false;
        while (m.find()) {
            sum += Double.parseDouble(m.group(m.groupCount()));
            found = true;
        }
        assertTrue(found, "metric " + name + " is exported");
        return sum;
    }

    static void awaitMetric(String name, double expected) {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (metric(name) != expected && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        assertEquals(expected, metric(name), name);
    }
}
