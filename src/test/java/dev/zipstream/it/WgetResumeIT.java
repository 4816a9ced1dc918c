package dev.zipstream.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.zipstream.Fixtures;

/**
 * {@code wget -c} continues a cut download of an archive to the identical file: a real wget, slowed down by its
 * own rate limit, is killed part-way, and a second {@code wget -c} resumes with a {@code Range} request. Both
 * ways of naming the file ({@code -O} and {@code --content-disposition}) are tried, and {@code wget -c} on a
 * complete file meets the 416 and does nothing. CI installs wget; a missing one fails the test.
 */
class WgetResumeIT {

    @TempDir
    Path work;

    @Test
    void wgetContinuesACutDownloadToTheIdenticalFile() throws Exception {
        Path root = work.resolve("root");
        Path folder = root.resolve("wget_me");
        Fixtures.write(folder.resolve("Фото/море 1.jpg"), 3 << 20, 51);
        Fixtures.write(folder.resolve("Фото/море 2.jpg"), 3 << 20, 52);
        Fixtures.write(folder.resolve("video.mp4"), 6 << 20, 53);
        Fixtures.write(folder.resolve("empty.txt"), 0, 54);
        Path downloads = Files.createDirectories(work.resolve("downloads"));

        try (ServiceProcess service = ServiceProcess.start(work, Map.of("FOLDER_PATH", root.toString()))
                .awaitReady()) {
            String url = service.url("/archive/wget_me/").toString();
            ServiceHttp.Reply whole = ServiceHttp.request(service, "GET", "/archive/wget_me/");
            assertEquals(200, whole.status());
            byte[] reference = whole.body();
            long length = reference.length;

            // -O: the name given on the command line.
            Path named = downloads.resolve("named.zip");
            long cutAt = cut(downloads, length, named, "-O", named.toString(), url);
            String output = wget(downloads, "-c", "-O", named.toString(), url);
            assertTrue(output.contains("206 Partial Content"), output);
            assertArrayEquals(reference, Files.readAllBytes(named), "wget -c -O resumed to the same bytes");
            ServiceHttp.awaitLog(service, "archive=wget_me range=" + cutAt + "-" + (length - 1) + " bytes="
                    + (length - cutAt));

            // --content-disposition: the name the service gives, wget_me.zip.
            Path disposed = downloads.resolve("wget_me.zip");
            cutAt = cut(downloads, length, disposed, "--content-disposition", url);
            output = wget(downloads, "-c", "--content-disposition", url);
            assertTrue(output.contains("206 Partial Content"), output);
            assertArrayEquals(reference, Files.readAllBytes(disposed), "wget -c --content-disposition resumed");
            ServiceHttp.awaitLog(service, "archive=wget_me range=" + cutAt + "-" + (length - 1) + " bytes="
                    + (length - cutAt));

            // Already complete: the range starts at the length, 416, and wget leaves the file alone.
            output = wget(downloads, "-c", "-O", named.toString(), url);
            assertTrue(output.contains("416") && output.contains("already fully retrieved"), output);
            assertArrayEquals(reference, Files.readAllBytes(named));
        }
    }

    /**
     * Starts a rate-limited wget and kills it once the file holds between 1 MiB and half the archive: a download
     * cut by a lost connection. Returns how many bytes it left.
     */
    private static long cut(Path dir, long length, Path file, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("wget", "-q", "--limit-rate=2m"));
        command.addAll(List.of(args));
        Process wget = ChildProcesses.start(new ProcessBuilder(command).directory(dir.toFile())
                .redirectErrorStream(true).redirectOutput(dir.resolve("cut.log").toFile()));
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while ((!Files.exists(file) || Files.size(file) < (1 << 20)) && System.nanoTime() < deadline) {
                assertTrue(wget.isAlive(), "wget ended early: " + Files.readString(dir.resolve("cut.log")));
                Thread.sleep(10);
            }
        } finally {
            wget.destroyForcibly();
            wget.waitFor(10, TimeUnit.SECONDS);
        }
        long size = Files.size(file);
        assertTrue(size >= (1 << 20) && size <= length / 2, "cut after " + size + " of " + length + " bytes");
        return size;
    }

    private static String wget(Path dir, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("wget"));
        command.addAll(List.of(args));
        Process process = ChildProcesses.start(new ProcessBuilder(command).directory(dir.toFile())
                .redirectErrorStream(true));
        String output = new String(process.getInputStream().readAllBytes());
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "wget timed out: " + output);
        assertEquals(0, process.exitValue(), String.join(" ", command) + ": " + output);
        return output;
    }
}
