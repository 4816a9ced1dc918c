package dev.zipstream.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.zipstream.Fixtures;

/**
 * A large file replaced after its folder was planned, whose CRC-32 is already known, is refused when the
 * zero-copy path opens it, before any of its bytes leave: the client does not receive the rest of the archive
 * only to see it fail at the last byte. (The plan is kept for a minute here, so the second download reuses it.)
 */
class ReplacedSincePlanningIT {

    static final int FIRST_SIZE = 4 << 20;
    static final int SECOND_SIZE = 2 << 20;

    @TempDir
    Path work;

    @Test
    void aFileReplacedSinceItsPlanFailsBeforeItsBytesAreSent() throws Exception {
        Path root = Files.createDirectories(work.resolve("root"));
        Path folder = root.resolve("replaced");
        Fixtures.write(folder.resolve("a_first.jpg"), FIRST_SIZE, 1);
        Fixtures.write(folder.resolve("b_second.jpg"), SECOND_SIZE, 2);
        try (ServiceProcess service = ServiceProcess.start(work,
                Map.of("FOLDER_PATH", root.toString(), "PLAN_CACHE_SECONDS", "60")).awaitReady()) {
            ServiceHttp.Reply first = ServiceHttp.request(service, "GET", "/archive/replaced/");
            assertEquals(200, first.status()); // planned, and both CRC-32s are known now
            double failed = ServiceHttp.metric(service, "archives_failed_total");

            // An upload replacing the photo: a new file of the same size renamed over it (a new inode).
            Path upload = folder.resolve(".upload.tmp");
            Fixtures.write(upload, SECOND_SIZE, 3);
            Files.move(upload, folder.resolve("b_second.jpg"), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);

            Received second = download(service, "/archive/replaced/");
            assertEquals(first.header("ETag"), second.etag, "the second download reuses the plan");
            assertEquals(first.contentLength(), second.contentLength);
            assertTrue(second.received < second.contentLength - SECOND_SIZE,
                    "none of the replaced file's bytes may leave, but " + second.received + " of "
                            + second.contentLength + " did");
            ServiceHttp.awaitMetric(service, "archives_failed_total", failed + 1);
            String log = ServiceHttp.awaitLog(service, "Download aborted: archive replaced after ");
            assertTrue(log.lines().anyMatch(line -> line.contains("Download aborted: archive replaced after ")
                    && line.contains("b_second.jpg") && line.contains("changed")), log);
        }
    }

    private record Received(String etag, long contentLength, long received) {
    }

    /** A GET read until the server ends or breaks the connection; how many body bytes came. */
    private static Received download(ServiceProcess service, String path) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", service.port));
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
                int b = in.read();
                assertTrue(b >= 0, "the response ended inside its head: " + head);
                head.write(b);
            }
            String text = head.toString(StandardCharsets.US_ASCII);
            Matcher length = Pattern.compile("(?im)^content-length: *(\\d+)\\r?$").matcher(text);
            Matcher etag = Pattern.compile("(?im)^etag: *(\\S+)\\r?$").matcher(text);
            assertTrue(text.startsWith("HTTP/1.1 200") && length.find() && etag.find(), text);
            long received = 0;
            byte[] buffer = new byte[64 * 1024];
            try {
                for (int n; (n = in.read(buffer)) > 0;) {
                    received += n;
                }
            } catch (IOException reset) {
                // The server cut the connection: what counts is how much had come.
            }
            return new Received(etag.group(1), Long.parseLong(length.group(1)), received);
        }
    }
}
