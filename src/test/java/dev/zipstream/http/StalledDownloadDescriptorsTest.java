package dev.zipstream.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

import dev.zipstream.Fixtures;

/**
 * A stalled zero-copy download holds a bounded number of files open, however many of its folder's files would fit
 * in the byte window: each file region keeps its file open until it is on the socket. A folder of 40 files of
 * 400 KB (16 MB: inside the window, and more than the kernel's socket buffers take, so the downloads stall) once
 * had every file of it open per download, and 1,000 slow clients of a 24-photo folder ran out of descriptors.
 */
@QuarkusTest
class StalledDownloadDescriptorsTest {

    private static final int FILES = 40;
    private static final int DOWNLOADS = 5;
    /**
     * Besides its file regions, a download holds open the file its reader is in and the folder that its reader and
     * its small-file helper each open files from.
     */
    private static final int OTHER_OPEN_PER_DOWNLOAD = 3;
    /**
     * What a download on the copying path holds open: the file being read and the folders it is opened from (3
     * each, measured with {@code ZERO_COPY=false}, where this test then fails on it).
     */
    private static final int COPYING_OPEN_PER_DOWNLOAD = 3;

    @TestHTTPResource("/")
    URL base;

    @Test
    void stalledDownloadsHoldAtMostTheirRegionBudgetOfFilesOpen() throws Exception {
        Path folder = Fixtures.root().resolve("fd_budget");
        for (int i = 0; i < FILES; i++) {
            Fixtures.write(folder.resolve("photo_" + i + ".jpg"), 400_000, 500 + i);
        }
        List<Socket> stalled = new ArrayList<>();
        try {
            for (int i = 0; i < DOWNLOADS; i++) {
                Socket socket = new Socket(base.getHost(), base.getPort());
                stalled.add(socket);
                socket.setSoTimeout(10_000);
                socket.setReceiveBufferSize(8 * 1024);
                OutputStream out = socket.getOutputStream();
                out.write("GET /archive/fd_budget/ HTTP/1.1\r\nHost: localhost\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
                socket.getInputStream().read(); // the first batch is on its way; then the client stops reading
            }
            DownloadLifecycleTest.awaitMetric("archives_active", DOWNLOADS);
            long held = settledOpenFilesIn(folder);
            long budget = (long) DOWNLOADS * (ZeroCopyResponseWriter.REGIONS_IN_FLIGHT + OTHER_OPEN_PER_DOWNLOAD);
            assertTrue(held <= budget, DOWNLOADS + " stalled downloads of " + FILES + " files hold " + held
                    + " of them open, more than " + budget);
            // A copying download holds one file and its folder: more than that per download means the files are
            // in flight as regions, so the cap above was what held them.
            assertTrue(held > (long) DOWNLOADS * COPYING_OPEN_PER_DOWNLOAD,
                    "the downloads took the zero-copy path, with regions in flight: " + held + " files open");
        } finally {
            for (Socket socket : stalled) {
                socket.close();
            }
        }
        DownloadLifecycleTest.awaitMetric("archives_active", 0);
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (DownloadLifecycleTest.openFilesUnder(folder) > 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(0, DownloadLifecycleTest.openFilesUnder(folder),
                "the downloads' files and folders are closed once they end");
    }

    /** The count once the batches in flight are made: unchanged for 300 ms. */
    private static long settledOpenFilesIn(Path folder) throws Exception {
        long last = DownloadLifecycleTest.openFilesUnder(folder);
        long stableSince = System.nanoTime();
        long deadline = stableSince + 5_000_000_000L;
        while (System.nanoTime() - stableSince < 300_000_000L && System.nanoTime() < deadline) {
            Thread.sleep(20);
            long now = DownloadLifecycleTest.openFilesUnder(folder);
            if (now != last) {
                last = now;
                stableSince = System.nanoTime();
            }
        }
        return last;
    }
}
