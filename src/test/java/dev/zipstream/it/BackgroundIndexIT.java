package dev.zipstream.it;

import static dev.zipstream.it.IndexedArchives.assertArchiveOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The background scan with the packaged service: it indexes every folder before anyone asks, so the first
 * downloads go zero-copy and read nothing for CRCs; it never makes a request wait; and replicas sharing the index
 * do not hash the same folder twice.
 */
class BackgroundIndexIT {

    @TempDir
    Path work;

    private Map<String, String> scanning(Path root, Path index, String rate) {
        Map<String, String> env = new HashMap<>();
        env.put("FOLDER_PATH", root.toString());
        env.put("CRC_INDEX_DIR", index.toString());
        env.put("INDEX_SCAN_INTERVAL", "1h");
        env.put("INDEX_MAX_BYTES_PER_SECOND", rate);
        // The fixtures were written just now: without this the scan would leave them for a minute.
        env.put("INDEX_SCAN_MIN_AGE", "0s");
        return env;
    }

    /** Waits (up to 60 s) for a finished scan that left nothing unknown. */
    private static void awaitNothingPending(ServiceProcess service) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        double pending = Double.NaN;
        while (System.nanoTime() < deadline) {
            pending = ServiceHttp.metric(service, "archive_index_pending_files", "");
            if (pending == 0) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("archive_index_pending_files is " + pending + ":\n" + service.output());
    }

    @Test
    void afterTheScanEveryFirstDownloadIsZeroCopyAndReadsNothingForCrcs() throws Exception {
        Path root = Files.createDirectories(work.resolve("photos"));
        List<String> names = List.of("a1", "b2", "c3");
        long total = 0;
        for (String name : names) {
            IndexedArchives.folder(root, name, 3, 256 * 1024, name.hashCode());
            total += 3 * 256 * 1024;
        }
        Path index = work.resolve("index");
        try (ServiceProcess service = ServiceProcess.start(work, scanning(root, index, "1073741824"))
                .awaitReady()) {
            awaitNothingPending(service);
            assertEquals(total, ServiceHttp.metric(service, "archive_crc_bytes_read_total", "reason=\"background\""));
            for (String name : names) {
                double zeroCopy = ServiceHttp.metric(service, "archives_started_total", "transfer=\"sendfile\"");
                assertArchiveOf(root.resolve(name), ServiceHttp.request(service, "GET", "/archive/" + name + "/")
                        .body());
                assertEquals(zeroCopy + 1,
                        ServiceHttp.metric(service, "archives_started_total", "transfer=\"sendfile\""), name);
            }
            assertEquals(0, ServiceHttp.requestCrcBytes(service), "no request read a file for its CRC");
            for (String name : names) {
                IndexedArchives.awaitIndexed(index, name, 3);
            }
        }
    }

    /**
     * A scan held to 64 KiB/s over 2 MiB takes about 30 s. Readiness is UP at once, and a download of the very
     * folder being scanned completes while the scan has not finished: it computed its CRCs itself.
     */
    @Test
    void aSlowScanNeverHoldsReadinessNorARequest() throws Exception {
        Path root = Files.createDirectories(work.resolve("photos"));
        Path folder = IndexedArchives.folder(root, "big", 2, 1 << 20, 7);
        try (ServiceProcess service = ServiceProcess.start(work, scanning(root, work.resolve("index"), "65536"))
                .awaitReady()) {
            assertArchiveOf(folder, ServiceHttp.request(service, "GET", "/archive/big/").body());
            assertTrue(Double.isNaN(ServiceHttp.metric(service, "archive_index_pending_files", "")),
                    "the download finished before the first scan did");
            assertTrue(ServiceHttp.requestCrcBytes(service) > 0, "the request computed CRCs itself");
        }
    }

    /** Two replicas scanning one root through one index directory: each folder is read by one of them. */
    @Test
    void replicasSharingTheIndexDoNotHashTheSameFolder() throws Exception {
        Path root = Files.createDirectories(work.resolve("photos"));
        long total = 0;
        for (String name : List.of("a1", "b2", "c3", "d4")) {
            IndexedArchives.folder(root, name, 2, 512 * 1024, name.hashCode());
            total += 2 * 512 * 1024;
        }
        Path index = work.resolve("index");
        // 2 MiB/s: each folder takes half a second, long enough for the other replica to meet its lease.
        try (ServiceProcess one = ServiceProcess.start(work, scanning(root, index, "2097152"));
                ServiceProcess two = ServiceProcess.start(work, scanning(root, index, "2097152"))) {
            one.awaitReady();
            two.awaitReady();
            awaitScanned(one);
            awaitScanned(two);
            double read = ServiceHttp.metric(one, "archive_crc_bytes_read_total", "reason=\"background\"")
                    + ServiceHttp.metric(two, "archive_crc_bytes_read_total", "reason=\"background\"");
            assertEquals(total, read, "every file hashed once between the two replicas");
            try (var files = Files.list(index)) {
                assertTrue(files.noneMatch(f -> f.toString().endsWith(".lease")), "every lease was given back");
            }
        }
    }

    /** Waits (up to 60 s) for the first scan to finish, whatever it left to the other replica. */
    private static void awaitScanned(ServiceProcess service) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!Double.isNaN(ServiceHttp.metric(service, "archive_index_pending_files", ""))) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no scan finished:\n" + service.output());
    }
}
