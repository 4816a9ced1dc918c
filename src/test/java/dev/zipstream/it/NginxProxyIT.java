package dev.zipstream.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code deploy/nginx.conf}, rendered as its header says, in front of the packaged service: archives pass through
 * byte for byte with their {@code Content-Length} (never re-chunked), ranges reach the service and its 206 comes
 * back unchanged, bytes flow as the service writes them, and a client that stops reading holds the service back
 * (no spooling to proxy_temp). nginx must be installed (Debian package nginx; .ci/run installs it).
 */
class NginxProxyIT {

    static final Path SAMPLES = Path.of("test_photos").toAbsolutePath();
    static final Path CONF = Path.of("deploy/nginx.conf").toAbsolutePath();
    static final String SAMPLE = "/archive/7kna/";

    @TempDir
    Path work;

    private final HttpClient http = Tools.http();

    @Test
    void archivesPassThroughByteForByteWithTheirLength() throws Exception {
        try (ServiceProcess service = ServiceProcess.start(work, Map.of("FOLDER_PATH", SAMPLES.toString()))
                .awaitReady();
                Nginx nginx = Nginx.start(work.resolve("nginx"), "127.0.0.1:" + service.port)) {
            HttpResponse<byte[]> direct = Tools.get(http, service.url(SAMPLE));
            HttpResponse<byte[]> proxied = Tools.get(http, nginx.url(SAMPLE));
            assertEquals(200, direct.statusCode());
            assertEquals(200, proxied.statusCode());
            assertTrue(direct.body().length > 1_000_000, "the sample archive is " + direct.body().length + " bytes");
            assertArrayEquals(direct.body(), proxied.body(), "the archive through nginx");
            assertEquals(String.valueOf(direct.body().length), header(proxied, "Content-Length"),
                    "Content-Length kept by nginx");
            assertFalse(proxied.headers().firstValue("Transfer-Encoding").isPresent(),
                    "not re-chunked: " + proxied.headers().map());
            for (String name : new String[] {"ETag", "Last-Modified", "Content-Disposition", "Accept-Ranges",
                    "Content-Type", "Cache-Control"}) {
                assertEquals(header(direct, name), header(proxied, name), name + " through nginx");
            }
            HttpResponse<Void> head = Tools.head(http, nginx.url(SAMPLE));
            assertEquals(200, head.statusCode());
            assertEquals(String.valueOf(direct.body().length), header(head, "Content-Length"), "HEAD through nginx");

            assertEquals(200, Tools.get(http, nginx.url("/q/health/ready")).statusCode(), "health is proxied");
            assertEquals(404, Tools.get(http, nginx.url("/q/metrics")).statusCode(), "metrics stay internal");
            assertEquals(404, Tools.get(http, nginx.url("/archive/no-such-folder/")).statusCode());
        }
    }

    /**
     * A resume through nginx: {@code Range} and {@code If-Range} reach the service, its 206 comes back with the right
     * {@code Content-Range} and the bytes of that slice, and the first byte arrives while the service is still
     * producing (4 KiB chunks, 0.2 s apart): nginx passes bytes on as they come (proxy_buffering off).
     */
    @Test
    void resumesThroughNginxAndTheFirstBytesArriveAtOnce() throws Exception {
        byte[] whole;
        String etag;
        try (ServiceProcess fast = ServiceProcess.start(work, Map.of("FOLDER_PATH", SAMPLES.toString()))
                .awaitReady()) {
            HttpResponse<byte[]> response = Tools.get(http, fast.url(SAMPLE));
            assertEquals(200, response.statusCode());
            whole = response.body();
            etag = header(response, "ETag");
        }
        int chunk = 4096;
        int chunks = 16;
        long from = whole.length - (long) chunk * chunks;
        try (ServiceProcess slow = ServiceProcess.start(work, Map.of("FOLDER_PATH", SAMPLES.toString()),
                "--response_delay", "0.2", "--chunk_size", String.valueOf(chunk)).awaitReady();
                Nginx nginx = Nginx.start(work.resolve("nginx"), "127.0.0.1:" + slow.port)) {
            long start = System.nanoTime();
            HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(nginx.url(SAMPLE))
                    .timeout(Duration.ofSeconds(30)).header("Range", "bytes=" + from + "-").header("If-Range", etag)
                    .GET().build(), HttpResponse.BodyHandlers.ofInputStream());
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            long firstByteNanos;
            try (InputStream in = response.body()) {
                int first = in.read();
                firstByteNanos = System.nanoTime() - start;
                assertTrue(first >= 0, "a body");
                body.write(first);
                in.transferTo(body);
            }
            long totalNanos = System.nanoTime() - start;

            assertEquals(206, response.statusCode(), "206 through nginx");
            assertEquals("bytes " + from + "-" + (whole.length - 1) + "/" + whole.length,
                    header(response, "Content-Range"));
            assertEquals(String.valueOf(whole.length - from), header(response, "Content-Length"));
            assertFalse(response.headers().firstValue("Transfer-Encoding").isPresent(), "not re-chunked");
            assertEquals(etag, header(response, "ETag"), "the same archive in another process");
            assertArrayEquals(Arrays.copyOfRange(whole, (int) from, whole.length), body.toByteArray(),
                    "the slice through nginx");

            double firstByte = firstByteNanos / 1e9;
            double total = totalNanos / 1e9;
            System.out.printf("NginxProxyIT: range of %d bytes through nginx: first byte after %.3f s, all after %.3f s%n",
                    whole.length - from, firstByte, total);
            assertTrue(total >= 0.2 * (chunks - 1), "paced by --response_delay: " + total + " s");
            assertTrue(firstByte < total / 4, "first byte after " + firstByte + " s of " + total
                    + " s: nginx held the response back");
        }
    }

    /**
     * A client that stops reading must stop the service too: with buffering off nginx reads from the service only
     * as fast as it can write to the client, so after the socket buffers fill the download stays in progress. (With
     * buffering on, nginx would spool the rest to proxy_temp and the service would finish at once.)
     */
    @Test
    void aClientThatStopsReadingHoldsTheServiceBack() throws Exception {
        Path root = Files.createDirectories(work.resolve("root"));
        long size = 128L << 20;
        try (RandomAccessFile file = new RandomAccessFile(
                Files.createDirectories(root.resolve("huge")).resolve("zeros.bin").toFile(), "rw")) {
            file.setLength(size); // sparse: no disk space, read at memory speed
        }
        try (ServiceProcess service = ServiceProcess.start(work, Map.of("FOLDER_PATH", root.toString())).awaitReady();
                Nginx nginx = Nginx.start(work.resolve("nginx"), "127.0.0.1:" + service.port);
                Socket socket = new Socket()) {
            socket.setReceiveBufferSize(64 << 10);
            socket.connect(new InetSocketAddress("127.0.0.1", nginx.port), 5000);
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET /archive/huge/ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String head = readHead(in);
            assertTrue(head.startsWith("HTTP/1.1 200"), head);
            long length = Long.parseLong(head.replaceAll("(?is).*\r\ncontent-length:\\s*(\\d+).*", "$1"));
            assertTrue(length > size, head);
            long read = in.readNBytes(1 << 20).length;

            // Stop reading for a while: the service must still be sending, not finished.
            Thread.sleep(2000);
            String paused = Tools.scrape(service);
            assertEquals(1.0, Tools.value(paused, "archives_active"), "download in progress while the client waits");
            assertEquals(0.0, Tools.value(paused, "archives_completed_total"),
                    "the service finished while the client read " + read + " of " + length
                            + " bytes: nginx buffered the response");

            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) >= 0;) {
                read += n;
            }
            assertEquals(length, read, "the whole archive after the pause");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (Tools.value(Tools.scrape(service), "archives_completed_total") < 1.0
                    && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertEquals(1.0, Tools.value(Tools.scrape(service), "archives_completed_total"));
        }
    }

    /**
     * Behind the bundled nginx the client nginx sees is the one throttled, not nginx and not whoever a client
     * names in its own {@code X-Forwarded-For}: the service trusts only nginx's address (TRUSTED_PROXIES), and nginx
     * appends the address it was reached from. Two real clients, 127.0.0.2 and 127.0.0.3.
     */
    @Test
    void theRealClientBehindNginxIsTheOneThrottled() throws Exception {
        try (ServiceProcess service = ServiceProcess.start(work, Map.of("FOLDER_PATH", SAMPLES.toString(),
                "TRUSTED_PROXIES", "127.0.0.1")).awaitReady();
                Nginx nginx = Nginx.start(work.resolve("nginx"), "127.0.0.1:" + service.port)) {
            String victim = "127.0.0.3";
            for (int i = 0; i < 30; i++) {
                assertEquals(404, Tools.requestFrom("127.0.0.2", nginx.port, "HEAD", "/archive/guess" + i + "/",
                        "X-Forwarded-For: " + victim).status(), "miss " + (i + 1));
            }
            Tools.Head refused = Tools.requestFrom("127.0.0.2", nginx.port, "GET", SAMPLE);
            assertEquals(429, refused.status(), "the guesser's 31st request, for a real folder");
            assertTrue(Integer.parseInt(refused.headers().get("retry-after")) >= 1, refused.headers().toString());

            assertEquals(200, Tools.requestFrom(victim, nginx.port, "HEAD", SAMPLE).status(),
                    "the client the guesser named in X-Forwarded-For");
            assertEquals(200, Tools.requestFrom("127.0.0.4", nginx.port, "HEAD", SAMPLE).status(), "another client");
            HttpResponse<byte[]> download = Tools.get(http, nginx.url(SAMPLE));
            assertEquals(200, download.statusCode(), "a download from 127.0.0.1 through nginx");
            assertEquals(1.0, Tools.value(Tools.scrape(service), "archives_throttled_total"));
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new AssertionError("connection closed in the response head: " + head);
            }
            head.write(b);
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    private static String header(HttpResponse<?> response, String name) {
        return response.headers().firstValue(name)
                .orElseThrow(() -> new AssertionError("no " + name + " in " + response.headers().map()));
    }

    /** nginx in the foreground with deploy/nginx.conf rendered into its own prefix directory. */
    static final class Nginx implements AutoCloseable {

        private final Process process;
        private final Path prefix;
        final int port;

        private Nginx(Process process, Path prefix, int port) {
            this.process = process;
            this.prefix = prefix;
            this.port = port;
        }

        static Nginx start(Path prefix, String upstream) throws Exception {
            Path nginx = Tools.require("nginx", "nginx");
            Files.createDirectories(prefix);
            // As root, nginx runs its workers as nobody (the conf leaves `user` commented out): they must be
            // able to reach the temp directories it creates in the prefix, which is in the test's own @TempDir
            // (created rwx------).
            for (Path dir : new Path[] {prefix.getParent(), prefix}) {
                Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
            int port = Tools.freePort();
            String template = Files.readString(CONF);
            for (String placeholder : new String[] {"__LISTEN_PORT__", "__UPSTREAM__", "__PREFIX__"}) {
                assertTrue(template.contains(placeholder), placeholder + " in " + CONF);
            }
            String conf = template.replace("__LISTEN_PORT__", "127.0.0.1:" + port)
                    .replace("__UPSTREAM__", upstream)
                    .replace("__PREFIX__", prefix.toString());
            assertFalse(conf.contains("__"), "every placeholder substituted");
            Path confFile = prefix.resolve("nginx.conf");
            Files.writeString(confFile, conf);
            String[] base = {nginx.toString(), "-p", prefix + "/", "-c", confFile.toString(), "-e",
                    prefix.resolve("startup.log").toString()};

            Tools.Result test = Tools.run(prefix, Duration.ofSeconds(20), Map.of(), concat(base, "-t"));
            assertEquals(0, test.exitCode(), "nginx -t:\n" + test.output());

            Path log = prefix.resolve("nginx.out");
            Process process = ChildProcesses.start(new ProcessBuilder(concat(base, "-g", "daemon off;"))
                    .directory(prefix.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()));
            Nginx started = new Nginx(process, prefix, port);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (true) {
                if (!process.isAlive()) {
                    throw new AssertionError("nginx exited with " + process.exitValue() + ":\n"
                            + Files.readString(log) + started.errorLog());
                }
                try (Socket probe = new Socket()) {
                    probe.connect(new InetSocketAddress("127.0.0.1", port), 200);
                    return started;
                } catch (IOException notYet) {
                    if (System.nanoTime() > deadline) {
                        started.close();
                        throw new AssertionError("nginx did not listen on " + port + " within 10 s");
                    }
                    Thread.sleep(50);
                }
            }
        }

        URI url(String path) {
            return URI.create("http://127.0.0.1:" + port + path);
        }

        String errorLog() throws IOException {
            Path log = prefix.resolve("error.log");
            return Files.exists(log) ? Files.readString(log) : "";
        }

        /** SIGTERM (fast shutdown), then at most 10 s before the master and its workers are killed. */
        @Override
        public void close() throws IOException {
            ChildProcesses.stop(process, 10);
        }

        private static String[] concat(String[] a, String... b) {
            String[] all = Arrays.copyOf(a, a.length + b.length);
            System.arraycopy(b, 0, all, a.length, b.length);
            return all;
        }
    }
}
