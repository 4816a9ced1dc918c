package dev.zipstream.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.zipstream.Fixtures;

/**
 * SIGTERM while a download is in flight, as Kubernetes stops a pod: readiness turns DOWN (503) at once, a new archive
 * request gets 503, the download in flight finishes in full, and the process then exits by itself within
 * {@code QUARKUS_SHUTDOWN_TIMEOUT}.
 * <p>
 * Quarkus 3.33.2 on its own keeps {@code /q/health/ready} UP (200) and serves new requests (200, with
 * {@code Connection: close}) until the requests in flight are done; the 503s come from
 * {@code quarkus.shutdown.delay-enabled: true} with {@code ShutdownReadiness} and {@code ShuttingDownFilter}.
 * The port stays open throughout: no connection is refused before the process exits.
 */
class GracefulShutdownIT {

    private static final String HASH = "large";
    private static final int SIZE = 6 << 20;

    @TempDir
    Path work;

    @Test
    void sigtermLetsTheDownloadInFlightFinishAndTurnsNewRequestsAway() throws Exception {
        Path curl = Tools.require("curl", "curl");
        Tools.require("unzip", "unzip");
        Path root = work.resolve("root");
        Fixtures.write(root.resolve(HASH).resolve("photo.jpg"), SIZE, 42);
        Path saved = work.resolve("saved.zip");

        // 256 KiB chunks 0.2 s apart (about 5 s for the archive) and a client limited to 1 MB/s: the service
        // itself is still sending when SIGTERM comes, not just the socket buffers draining.
        try (ServiceProcess service = ServiceProcess.start(work,
                Map.of("FOLDER_PATH", root.toString(), "QUARKUS_SHUTDOWN_TIMEOUT", "20s"),
                "--response_delay", "0.2", "--chunk_size", "262144").awaitReady()) {
            URI archive = service.url("/archive/" + HASH + "/");
            HttpResponse<Void> head = Tools.head(Tools.http(), archive);
            assertEquals(200, head.statusCode());
            long length = Long.parseLong(head.headers().firstValue("Content-Length").orElseThrow());

            Path curlOut = work.resolve("curl.out");
            Process download = ChildProcesses.start(new ProcessBuilder(curl.toString(), "-sS", "--fail",
                    "--limit-rate", "1M", "--max-time", "40", "-o", saved.toString(), "-w",
                    "%{http_code} %{size_download}", archive.toString()).redirectErrorStream(true)
                    .redirectOutput(curlOut.toFile()));
            try {
                awaitBytes(saved, 256 << 10, download);
                assertEquals(1.0, Tools.value(Tools.scrape(service), "archives_active"), "a download in flight");

                Process process = service.process();
                long sigterm = System.nanoTime();
                CompletableFuture<Long> exited = process.onExit().thenApply(p -> System.nanoTime());
                process.destroy(); // SIGTERM

                // (a) readiness right after SIGTERM
                Observed ready = awaitNot200(service.url("/q/health/ready"), sigterm);
                System.out.printf("GracefulShutdownIT: /q/health/ready %s %d ms after SIGTERM%n", ready.what(),
                        ready.millis());
                assertEquals("503", ready.what(), "readiness after SIGTERM");
                assertTrue(ready.body().contains("\"DOWN\""), ready.body());

                // (b) a new archive request
                Observed refused = request(archive, sigterm);
                System.out.printf("GracefulShutdownIT: new GET %s -> %s %d ms after SIGTERM, Retry-After %s%n",
                        archive.getPath(), refused.what(), refused.millis(), refused.retryAfter());
                assertEquals("503", refused.what(), "a new archive request after SIGTERM: " + refused.body());
                assertNotNull(refused.retryAfter(), "Retry-After on the 503");
                assertTrue(process.isAlive(), "still running while the download is in flight");

                // (c) the download in flight completes in full and is a valid archive
                assertTrue(download.waitFor(40, TimeUnit.SECONDS), "curl finished");
                long downloaded = System.nanoTime();
                String curlResult = Files.readString(curlOut, StandardCharsets.UTF_8).strip();
                assertEquals(0, download.exitValue(), "curl: " + curlResult);
                assertEquals("200 " + length, curlResult, "curl's status and byte count");
                assertEquals(length, Files.size(saved));
                Tools.exec(work, Duration.ofSeconds(30), "unzip", "-tq", saved.toString());

                // (d) the process exits by itself, after the download and within the shutdown timeout
                long exitNanos = exited.get(25, TimeUnit.SECONDS);
                double exitSeconds = (exitNanos - sigterm) / 1e9;
                System.out.printf("GracefulShutdownIT: download done %.1f s and process exited (code %d) %.1f s "
                        + "after SIGTERM%n", (downloaded - sigterm) / 1e9, process.exitValue(), exitSeconds);
                assertTrue(exitSeconds < 20, "exited " + exitSeconds + " s after SIGTERM");
                // The service's own account, in order: it waited, the download completed, then it stopped.
                String log = service.output();
                int waiting = log.indexOf("Waiting for HTTP requests to complete");
                int completed = log.indexOf("archive=" + HASH + " range=- bytes=" + length);
                int stopped = log.indexOf("archive-service stopped in");
                assertTrue(waiting >= 0 && completed > waiting && stopped > completed, log);
                assertTrue(log.substring(completed, log.indexOf('\n', completed)).endsWith("outcome=completed"),
                        log);
                assertFalse(log.contains("Timed out waiting for graceful shutdown"), log);
            } finally {
                download.destroyForcibly();
            }
        }
    }

    private record Observed(String what, long millis, String body, String retryAfter) {
    }

    /** Polls (at most 3 s) until the answer is not 200; each poll on a new connection. */
    private static Observed awaitNot200(URI uri, long since) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        Observed last;
        do {
            last = request(uri, since);
            if (!last.what().equals("200")) {
                return last;
            }
            Thread.sleep(20);
        } while (System.nanoTime() < deadline);
        return last;
    }

    /** One GET on a new connection: its status, or "refused" when nothing listens any more. */
    private static Observed request(URI uri, long since) throws Exception {
        try {
            HttpResponse<byte[]> response = Tools.get(Tools.http(), uri);
            return new Observed(String.valueOf(response.statusCode()), (System.nanoTime() - since) / 1_000_000,
                    new String(response.body(), StandardCharsets.UTF_8),
                    response.headers().firstValue("Retry-After").orElse(null));
        } catch (ConnectException refused) {
            return new Observed("refused", (System.nanoTime() - since) / 1_000_000, "", null);
        }
    }

    private static void awaitBytes(Path file, long bytes, Process download) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!Files.exists(file) || Files.size(file) < bytes) {
            if (!download.isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("the download did not start: curl " + (download.isAlive() ? "running"
                        : "exited " + download.exitValue()));
            }
            Thread.sleep(20);
        }
    }
}
