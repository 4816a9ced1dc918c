package dev.zipstream.it;

import static dev.zipstream.it.IndexedArchives.assertArchiveOf;
import static dev.zipstream.it.IndexedArchives.assertNoStackTrace;
import static dev.zipstream.it.IndexedArchives.awaitIndexed;
import static dev.zipstream.it.IndexedArchives.count;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.zipstream.crc.index.IndexStore;

/**
 * The durable CRC index with the packaged service: what one process learned serves a restarted process and a
 * second process on the same directory; a changed file never reuses an old CRC; an unusable index file or
 * directory costs CRC reads, never a wrong archive.
 */
class CrcIndexIT {

    private static final int FILES = 4;
    private static final int SIZE = 1 << 20;

    @TempDir
    Path work;

    /**
     * These tests change a file and download again at once: a plan kept from before the change would be refused
     * mid-stream by design (README, "Plan once, serve many"), so every request plans afresh here.
     */
    private Map<String, String> env(Path root, Path index) {
        return Map.of("FOLDER_PATH", root.toString(), "CRC_INDEX_DIR", index.toString(), "PLAN_CACHE_SECONDS", "0");
    }

    /** Resumes the last 1 % of {@code whole} with If-Range: a 206 of exactly those bytes, under the same ETag. */
    private static void assertResumesLastPercent(ServiceProcess service, String path, byte[] whole, String etag)
            throws Exception {
        int from = whole.length - whole.length / 100;
        ServiceHttp.Reply tail = ServiceHttp.request(service, "GET", path, "Range", "bytes=" + from + "-",
                "If-Range", etag);
        assertEquals(206, tail.status());
        assertEquals(etag, tail.header("ETag"));
        assertArrayEquals(Arrays.copyOfRange(whole, from, whole.length), tail.body());
    }

    @Test
    void aRestartedProcessResumesWithoutReadingAnyFileForCrcs() throws Exception {
        Path root = Files.createDirectories(work.resolve("photos"));
        Path folder = IndexedArchives.folder(root, "album", FILES, SIZE, 1);
        Path index = work.resolve("index");
        byte[] whole;
        String etag;
        try (ServiceProcess first = ServiceProcess.start(work, env(root, index)).awaitReady()) {
            ServiceHttp.Reply full = ServiceHttp.request(first, "GET", "/archive/album/");
            assertEquals(200, full.status());
            assertEquals(FILES * SIZE, ServiceHttp.requestCrcBytes(first), "the first download computes every CRC");
            whole = full.body();
            etag = full.header("ETag");
            assertArchiveOf(folder, whole);
            awaitIndexed(index, "album", FILES);
        }
        try (ServiceProcess second = ServiceProcess.start(work, env(root, index)).awaitReady()) {
            assertResumesLastPercent(second, "/archive/album/", whole, etag);
            assertEquals(0, ServiceHttp.requestCrcBytes(second), "every CRC came from the index");
        }
    }

    @Test
    void aSecondProcessSharingTheIndexResumesWithoutReadingAnyFileForCrcs() throws Exception {
        Path root = Files.createDirectories(work.resolve("photos"));
        Path folder = IndexedArchives.folder(root, "album", FILES, SIZE, 2);
        Path index = work.resolve("index");
        try (ServiceProcess one = ServiceProcess.start(work, env(root, index));
                ServiceProcess two = ServiceProcess.start(work, env(root, index))) {
            one.awaitReady();
            two.awaitReady();
            ServiceHttp.Reply full = ServiceHttp.request(one, "GET", "/archive/album/");
            assertArchiveOf(folder, full.body());
            awaitIndexed(index, "album", FILES);
            assertResumesLastPercent(two, "/archive/album/", full.body(), full.header("ETag"));
            assertEquals(0, ServiceHttp.requestCrcBytes(two), "the second process read no file for CRCs");
        }
    }

    /**
     * A file rewritten at the same size with its mtime put back ({@code touch -d}, as rsync -t and FTP MFMT do)
     * after it was indexed: its ctime changed, so the indexed CRC is not used.
     */
    @Test
    void aFileChangedAfterItWasIndexedGetsANewCrc() throws Exception {
        Path root = Files.createDirectories(work.resolve("photos"));
        Path folder = IndexedArchives.folder(root, "album", FILES, SIZE, 3);
        Path index = work.resolve("index");
        Path changed = folder.resolve("f01.jpg");
        try (ServiceProcess first = ServiceProcess.start(work, env(root, index)).awaitReady()) {
            assertArchiveOf(folder, ServiceHttp.request(first, "GET", "/archive/album/").body());
            awaitIndexed(index, "album", FILES);
        }
        FileTime mtime = Files.getLastModifiedTime(changed);
        byte[] content = Files.readAllBytes(changed);
        content[SIZE / 2] ^= 1;
        Files.write(changed, content);
        Tools.run(work, Duration.ofSeconds(10), Map.of(), "touch", "-d", "@" + mtime.to(TimeUnit.SECONDS) + "." + String.format("%09d",
                mtime.to(TimeUnit.NANOSECONDS) % 1_000_000_000L), changed.toString());
        assertEquals(mtime, Files.getLastModifiedTime(changed), "mtime put back");
        try (ServiceProcess second = ServiceProcess.start(work, env(root, index)).awaitReady()) {
            assertArchiveOf(folder, ServiceHttp.request(second, "GET", "/archive/album/").body());
            assertEquals(SIZE, ServiceHttp.requestCrcBytes(second), "only the changed file is read for its CRC");
        }
    }

    /** Truncated, corrupt and future-format index files: each ignored with one warning, archives still right. */
    @Test
    void unusableIndexFilesAreIgnoredWithOneWarningEach() throws Exception {
        Path root = Files.createDirectories(work.resolve("photos"));
        Path index = work.resolve("index");
        String[] names = {"truncated", "corrupt", "future"};
        try (ServiceProcess first = ServiceProcess.start(work, env(root, index)).awaitReady()) {
            for (String name : names) {
                IndexedArchives.folder(root, name, 2, 64 * 1024, name.hashCode());
                ServiceHttp.request(first, "GET", "/archive/" + name + "/");
                awaitIndexed(index, name, 2);
            }
        }
        IndexStore store = new IndexStore(index);
        try (RandomAccessFile file = new RandomAccessFile(store.fileOf("truncated").toFile(), "rw")) {
            file.setLength(file.length() - 7);
        }
        byte[] corrupt = Files.readAllBytes(store.fileOf("corrupt"));
        corrupt[corrupt.length / 2] ^= 0x40;
        Files.write(store.fileOf("corrupt"), corrupt);
        byte[] future = Files.readAllBytes(store.fileOf("future"));
        ByteBuffer.wrap(future).putShort(8, (short) 2);
        Files.write(store.fileOf("future"), future);

        try (ServiceProcess second = ServiceProcess.start(work, env(root, index)).awaitReady()) {
            for (int round = 0; round < 2; round++) {
                for (String name : names) {
                    assertArchiveOf(root.resolve(name),
                            ServiceHttp.request(second, "GET", "/archive/" + name + "/").body());
                }
            }
            assertEquals(3 * 2 * 64 * 1024, ServiceHttp.requestCrcBytes(second),
                    "each folder's CRCs computed once, then kept in memory");
            String log = second.output();
            assertEquals(3, count(log, "Ignoring the CRC index file"), log);
            ServiceHttp.awaitLog(second, "format version 2, this service reads version 1");
            assertNoStackTrace(log);
            // Rewritten with what was computed: usable again.
            for (String name : names) {
                awaitIndexed(index, name, 2);
            }
            assertEquals(3, ServiceHttp.metric(second, "archive_index_errors_total", ""));
        }
    }

    @Test
    void anUnwritableIndexDirectoryLeavesTheServiceReadyAndRight() throws Exception {
        Path root = Files.createDirectories(work.resolve("photos"));
        Path folder = IndexedArchives.folder(root, "album", 2, 64 * 1024, 4);
        // A directory below a regular file can never be made, whoever the service runs as (root included).
        Path index = Files.writeString(work.resolve("not-a-directory"), "x").resolve("index");
        try (ServiceProcess service = ServiceProcess.start(work, env(root, index)).awaitReady()) {
            for (int round = 0; round < 3; round++) {
                assertArchiveOf(folder, ServiceHttp.request(service, "GET", "/archive/album/").body());
                Files.setLastModifiedTime(folder.resolve("f00.jpg"), FileTime.fromMillis(1_000_000L * (round + 1)));
            }
            ServiceHttp.awaitLog(service, "Cannot write the CRC index in " + index);
            assertEquals(200, ServiceHttp.request(service, "GET", "/q/health/ready").status());
            String log = service.output();
            assertEquals(1, count(log, "Cannot write the CRC index"), log);
            assertNoStackTrace(log);
            assertEquals(2 * 64 * 1024 + 2 * 64 * 1024, ServiceHttp.requestCrcBytes(service),
                    "both files once, then the file that changed twice more");
        }
    }
}
