package dev.zipstream.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.zipstream.Fixtures;

/**
 * A file rewritten in place (same size, new mtime), truncated or deleted while its archive streams to a slow
 * client: the client must never get a complete-looking archive (it sees fewer bytes than {@code Content-Length}
 * or a broken connection), {@code archives_failed_total} rises and the log names the cause. Afterwards the archive
 * has a new ETag, and a resume with the old one in {@code If-Range} gets the whole new archive ({@code 200}).
 *
 * <p>Each folder holds an 8 MiB file and then a 1 MiB one. The client reads 256 KiB with a 16 KiB receive
 * buffer, so the service, held back by the connection, is at most a few MiB into the first file when the change
 * happens.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ChangedWhileStreamingIT {

    static final int FIRST_SIZE = 8 << 20;
    static final int SECOND_SIZE = 1 << 20;
    static final int READ_BEFORE_CHANGE = 256 << 10;
    static final String FIRST = "a_big.bin";
    static final String SECOND = "b_next.jpg";

    @TempDir
    static Path work; // static: made before @BeforeAll (each class that runs gets its own)
    Path root;
    ServiceProcess service;

    /**
     * The settings besides FOLDER_PATH; subclasses override it. (An instance method: a static {@code @BeforeAll}
     * hidden by a subclass's own one is run too by JUnit 6, which once left this class's service running.)
     */
    Map<String, String> settings() {
        return Map.of();
    }

    @BeforeAll
    void start() throws Exception {
        root = Files.createDirectories(work.resolve("root"));
        Map<String, String> env = new java.util.HashMap<>(settings());
        env.put("FOLDER_PATH", root.toString());
        service = ServiceProcess.start(work, env).awaitReady();
    }

    @AfterAll
    void stop() throws IOException {
        if (service != null) {
            service.close();
        }
    }

    enum Change {
        REWRITE_SECOND(SECOND, "changed"),
        TRUNCATE_SECOND(SECOND, "changed"),
        DELETE_SECOND(SECOND, "disappeared"),
        REWRITE_FIRST(FIRST, "changed"),
        TRUNCATE_FIRST(FIRST, "became shorter|changed \\(size"), // read short, or (sendfile) found by its stamp
        DELETE_FIRST(FIRST, "disappeared");

        final String file;
        final String logged;

        Change(String file, String logged) {
            this.file = file;
            this.logged = logged;
        }

        void apply(Path folder) {
            Path target = folder.resolve(file);
            try {
                switch (this) {
                    case REWRITE_FIRST, REWRITE_SECOND -> Fixtures.overwriteInPlace(target);
                    case TRUNCATE_FIRST, TRUNCATE_SECOND -> {
                        try (FileChannel channel = FileChannel.open(target, StandardOpenOption.WRITE)) {
                            channel.truncate(channel.size() / 8);
                        }
                    }
                    case DELETE_FIRST, DELETE_SECOND -> Files.delete(target);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Change.class)
    void aFileChangingWhileTheArchiveStreamsAbortsItAndTheOldETagNoLongerResumes(Change change) throws Exception {
        String hash = change.name().toLowerCase();
        Path folder = folder(hash);
        String path = "/archive/" + hash + "/";
        String oldEtag = ServiceHttp.request(service, "HEAD", path).header("ETag");
        double failed = ServiceHttp.metric(service, "archives_failed_total");

        Streamed streamed = streamWhileChanging(path, null, () -> change.apply(folder));

        assertEquals(200, streamed.status);
        assertTrue(streamed.error != null || streamed.received < streamed.contentLength,
                change + ": the client must see a broken transfer, got " + streamed);
        ServiceHttp.awaitMetric(service, "archives_failed_total", failed + 1);
        String log = ServiceHttp.awaitLog(service, "Download aborted: archive " + hash + " after ");
        String aborted = lineWith(log, "Download aborted: archive " + hash + " after ");
        assertTrue(aborted.contains(change.file) && java.util.regex.Pattern.compile(change.logged).matcher(aborted).find(),
                aborted);
        assertTrue(log.contains("archive=" + hash + " range=- bytes="), log);
        assertTrue(lineWith(log, "archive=" + hash + " range=- bytes=").endsWith("outcome=failed"), log);

        assertTheOldETagGetsTheWholeNewArchive(folder, path, oldEtag, streamed.received);
    }

    /**
     * A 206 whose range ends inside a file is the common shape of a resumed or segmented download. The file's
     * content changes under it (same size, new mtime): the range must not complete either, or the client joins
     * bytes of two versions into an archive that looks whole.
     */
    @Test
    void aFileRewrittenWhileARangeEndingInsideItStreamsAbortsTheRange() throws Exception {
        String hash = "range_rewrite_first";
        Path folder = folder(hash);
        String path = "/archive/" + hash + "/";
        String oldEtag = ServiceHttp.request(service, "HEAD", path).header("ETag");
        byte[] oldArchive = ServiceHttp.request(service, "GET", path).body();
        double failed = ServiceHttp.metric(service, "archives_failed_total");
        long rangeEnd = 7L << 20; // inside the 8 MiB first file

        Streamed streamed = streamWhileChanging(path, "bytes=0-" + (rangeEnd - 1),
                () -> Change.REWRITE_FIRST.apply(folder));

        assertEquals(206, streamed.status);
        assertEquals(rangeEnd, streamed.contentLength);
        boolean mixed = streamed.body.length == rangeEnd
                && !Arrays.equals(streamed.body, Arrays.copyOf(oldArchive, (int) rangeEnd));
        assertTrue(streamed.error != null || streamed.received < streamed.contentLength,
                "the client must see a broken transfer, got " + streamed
                        + (mixed ? " whose bytes mix the old and the new content of " + FIRST : ""));
        ServiceHttp.awaitMetric(service, "archives_failed_total", failed + 1);
        assertTrue(lineWith(ServiceHttp.awaitLog(service, "Download aborted: archive " + hash + " after "),
                "Download aborted: archive " + hash).contains("changed"));

        assertTheOldETagGetsTheWholeNewArchive(folder, path, oldEtag, streamed.received);
    }

    private void assertTheOldETagGetsTheWholeNewArchive(Path folder, String path, String oldEtag,
            long received) throws IOException {
        ServiceHttp.Reply head = ServiceHttp.request(service, "HEAD", path);
        assertEquals(200, head.status());
        assertNotEquals(oldEtag, head.header("ETag"), "the changed folder has a new ETag");

        ServiceHttp.Reply resumed = ServiceHttp.request(service, "GET", path, "Range", "bytes=" + received + "-",
                "If-Range", oldEtag);
        assertEquals(200, resumed.status(), "If-Range with the old ETag: the whole new archive, never a 206");
        assertNull(resumed.header("Content-Range"));
        assertEquals(head.header("ETag"), resumed.header("ETag"));
        assertEquals(head.contentLength(), resumed.body().length);
        assertEquals(contents(folder), unpack(resumed.body()), "the new archive holds the folder as it is now");

        ServiceHttp.Reply current = ServiceHttp.request(service, "GET", path, "Range", "bytes=" + received + "-",
                "If-Range", head.header("ETag"));
        if (received < head.contentLength()) {
            assertEquals(206, current.status(), "the new ETag resumes");
            assertArrayEquals(Arrays.copyOfRange(resumed.body(), (int) received, resumed.body().length),
                    current.body());
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    private record Streamed(int status, long contentLength, long received, IOException error, byte[] body) {
        @Override
        public String toString() {
            return "status " + status + ", " + received + " of " + contentLength + " bytes"
                    + (error == null ? ", no error" : ", " + error);
        }
    }

    /**
     * GET over a raw socket with a small receive buffer: reads {@link #READ_BEFORE_CHANGE} bytes of the body,
     * applies the change, then reads until the body is complete, the connection ends or fails.
     */
    private Streamed streamWhileChanging(String path, String range, Runnable change) throws Exception {
        try (Socket socket = new Socket()) {
            socket.setReceiveBufferSize(16 * 1024);
            socket.connect(new InetSocketAddress("127.0.0.1", service.port));
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + (range == null ? "" : "Range: " + range + "\r\n") + "\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String head = readHead(in);
            Matcher status = Pattern.compile("^HTTP/1\\.1 (\\d{3})").matcher(head);
            Matcher length = Pattern.compile("(?im)^content-length: *(\\d+)\\r?$").matcher(head);
            assertTrue(status.find() && length.find(), head);
            long contentLength = Long.parseLong(length.group(1));
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            byte[] buffer = new byte[16 * 1024];
            long received = 0;
            while (received < READ_BEFORE_CHANGE) {
                int n = in.read(buffer, 0, (int) Math.min(buffer.length, READ_BEFORE_CHANGE - received));
                assertTrue(n > 0, "the body ended before the change, after " + received + " bytes");
                body.write(buffer, 0, n);
                received += n;
            }
            change.run();
            IOException error = null;
            try {
                while (received < contentLength) {
                    int n = in.read(buffer, 0, (int) Math.min(buffer.length, contentLength - received));
                    if (n < 0) {
                        break;
                    }
                    body.write(buffer, 0, n);
                    received += n;
                }
            } catch (IOException e) {
                error = e;
            }
            return new Streamed(Integer.parseInt(status.group(1)), contentLength, received, error,
                    body.toByteArray());
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < 4) {
            int b = in.read();
            assertFalse(b < 0, "the response ended inside its head: " + head);
            head.write(b);
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toString(StandardCharsets.US_ASCII);
    }

    private Path folder(String hash) throws IOException {
        Path folder = root.resolve(hash);
        Fixtures.write(folder.resolve(FIRST), FIRST_SIZE, hash.hashCode());
        Fixtures.write(folder.resolve(SECOND), SECOND_SIZE, hash.hashCode() + 1L);
        return folder;
    }

    /** New bytes over the whole file without truncating it first: same size and inode, new mtime. */

    private static String lineWith(String log, String text) {
        return log.lines().filter(line -> line.contains(text)).reduce((first, second) -> second)
                .orElseThrow(() -> new AssertionError("no log line with " + text + ":\n" + log));
    }

    private static Map<String, String> contents(Path folder) throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (var list = Files.list(folder)) {
            for (Path file : list.toList()) {
                files.put(file.getFileName().toString(), Arrays.hashCode(Files.readAllBytes(file)) + "/"
                        + Files.size(file));
            }
        }
        return files;
    }

    private static Map<String, String> unpack(byte[] zip) throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip), StandardCharsets.UTF_8)) {
            for (ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                byte[] bytes = in.readAllBytes();
                files.put(entry.getName(), Arrays.hashCode(bytes) + "/" + bytes.length);
            }
        }
        return files;
    }
}
