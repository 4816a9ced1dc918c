package dev.zipstream.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.netty.buffer.PooledByteBufAllocator;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

import dev.zipstream.Fixtures;

/**
 * Faults and load against the running service, on the default (zero-copy) path; {@link CopyingPathRobustnessTest}
 * repeats them on the copying path. Surefire runs with Netty's leak detector at {@code paranoid}: every leaked
 * buffer is reported, and a report fails these tests.
 */
@QuarkusTest
class RobustnessTest {

    @TestHTTPResource("/")
    URL base;

    private NettyLeaks leaks;

    /** The {@code transfer} tag this path's downloads carry. */
    String expectedTransfer() {
        return "sendfile";
    }

    @BeforeEach
    void listenForLeaks() {
        Fixtures.root();
        leaks = new NettyLeaks();
    }

    @AfterEach
    void failOnLeaks() throws InterruptedException {
        try (NettyLeaks listening = leaks) {
            assertEquals(List.of(), listening.reports(), "Netty reported leaked buffers");
        }
    }

    @Test
    void threeHundredHangUpsLeaveNoOpenFileAndAreAllCounted() throws Exception {
        double cancelled = DownloadLifecycleTest.metric("archives_cancelled_total");
        double started = startedWith(expectedTransfer());
        ExecutorService clients = Executors.newFixedThreadPool(30);
        try {
            List<Future<?>> hangUps = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                int readBeforeHangingUp = 1_000 + 997 * i;
                hangUps.add(clients.submit(() -> {
                    readThenHangUp("/archive/big/", readBeforeHangingUp);
                    return null;
                }));
            }
            for (Future<?> hangUp : hangUps) {
                hangUp.get();
            }
        } finally {
            clients.shutdownNow();
        }
        DownloadLifecycleTest.awaitMetric("archives_cancelled_total", cancelled + 300);
        assertEquals(started + 300, startedWith(expectedTransfer()), "downloads took the expected path");
        awaitNoOpenFiles();
        assertEquals(0, DownloadLifecycleTest.metric("archives_active"));
    }

    @Test
    void hundredParallelDownloadsAreByteIdentical() throws Exception {
        byte[] reference = download("/archive/unicode_names/");
        ExecutorService clients = Executors.newFixedThreadPool(20);
        try {
            List<Future<byte[]>> downloads = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                downloads.add(clients.submit(() -> download("/archive/unicode_names/")));
            }
            for (Future<byte[]> download : downloads) {
                assertArrayEquals(reference, download.get());
            }
        } finally {
            clients.shutdownNow();
        }
    }

    /** A thread whose stack is in the archive-making code (streaming or CRC-32s), or null. */
    private static String busyArchiveThread() {
        for (Map.Entry<Thread, StackTraceElement[]> thread : Thread.getAllStackTraces().entrySet()) {
            for (StackTraceElement frame : thread.getValue()) {
                if (frame.getClassName().startsWith("dev.zipstream.stream")
                        || frame.getClassName().startsWith("dev.zipstream.crc")) {
                    return thread.getKey().getName() + " at " + frame;
                }
            }
        }
        return null;
    }

    @ParameterizedTest
    @ValueSource(strings = {"big", "small_files"})
    void stalledClientsHoldNoWorkerThreadAndBoundedMemory(String folder) throws Exception {
        long directBefore = activeDirectBytes();
        List<Socket> stalled = new ArrayList<>();
        try {
            for (int i = 0; i < 20; i++) {
                Socket socket = new Socket(base.getHost(), base.getPort());
                socket.setReceiveBufferSize(8 * 1024);
                request(socket, "/archive/" + folder + "/");
                assertTrue(socket.getInputStream().read() >= 0);
                stalled.add(socket);
            }
            // Every download fills its socket buffers and stops; then no thread may stay busy with an archive. On
            // a loaded machine that takes a while, so look until it holds (bounded), not once after a fixed sleep.
            String busy = busyArchiveThread();
            for (long deadline = System.nanoTime() + 15_000_000_000L; busy != null && System.nanoTime() < deadline;
                    busy = busyArchiveThread()) {
                Thread.sleep(20);
            }
            assertNull(busy, () -> busyArchiveThread() + " is busy with an archive while every client is stalled");
            long perDownload = (activeDirectBytes() - directBefore) / 20;
            assertTrue(perDownload <= 256 * 1024, "pooled direct memory per stalled download: " + perDownload);
            assertEquals(20, DownloadLifecycleTest.metric("archives_active"));
        } finally {
            for (Socket socket : stalled) {
                socket.close();
            }
        }
        awaitNoOpenFiles();
    }

    /** Bytes of the pooled direct buffers in use now (the pool's own count, not its reserved chunks). */
    private static long activeDirectBytes() {
        return PooledByteBufAllocator.DEFAULT.metric().directArenas().stream()
                .mapToLong(arena -> arena.numActiveBytes()).sum();
    }

    private double startedWith(String transfer) {
        return DownloadLifecycleTest.metric("archives_started_total{transfer=\"" + transfer + "\"}");
    }

    private void readThenHangUp(String path, int bytes) throws IOException {
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setReceiveBufferSize(16 * 1024);
            request(socket, path);
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[8192];
            int read = 0;
            while (read < bytes) {
                int n = in.read(buffer, 0, Math.min(buffer.length, bytes - read));
                if (n < 0) {
                    throw new IOException("the archive ended early");
                }
                read += n;
            }
        }
    }

    private byte[] download(String path) throws IOException {
        try (InputStream in = new URL(base, path).openStream()) {
            return in.readAllBytes();
        }
    }

    private static void request(Socket socket, String path) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    private static void awaitNoOpenFiles() throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (DownloadLifecycleTest.openFilesUnder(Fixtures.root()) > 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(0, DownloadLifecycleTest.openFilesUnder(Fixtures.root()), "open files after the downloads");
    }
}
