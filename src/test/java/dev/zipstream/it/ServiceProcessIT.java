package dev.zipstream.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.HttpURLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.zipstream.Fixtures;

/**
 * The packaged service as a process: its settings from flags, environment and {@code .env}, its refusals to
 * start, and its archives checked by real clients (curl, unzip, 7-Zip, Python's zipfile). CI installs those tools; a missing one
 * fails the test rather than skipping it.
 */
class ServiceProcessIT {

    static final Path SAMPLES = Path.of("test_photos").toAbsolutePath();

    @TempDir
    Path work;

    @Test
    void helpPrintsEveryFlagAndExitsZero() throws Exception {
        ServiceProcess.Result result = ServiceProcess.run(work, Map.of(), "-h");
        assertEquals(0, result.exitCode(), result.output());
        for (String flag : List.of("--folder_path", "--response_delay", "--debug_mode", "(default: test_photos)")) {
            assertTrue(result.output().contains(flag), flag + " in " + result.output());
        }
    }

    @Test
    void unknownFlagStopsTheStartWithOneLine() throws Exception {
        ServiceProcess.Result result = ServiceProcess.run(work, Map.of(), "--folder", "x");
        assertEquals(2, result.exitCode());
        assertEquals("archive-service: unknown option '--folder' (try --help)", result.output().strip());
    }

    @Test
    void negativeDelayOrMissingFolderStopTheStart() throws Exception {
        ServiceProcess.Result delay = ServiceProcess.run(work, Map.of("RESPONSE_DELAY", "-1", "FOLDER_PATH",
                SAMPLES.toString()));
        assertEquals(1, delay.exitCode(), delay.output());
        assertTrue(delay.output().contains("Cannot start: RESPONSE_DELAY must be a number of seconds >= 0"),
                delay.output());
        assertTrue(!delay.output().contains("\tat "), "no stack trace: " + delay.output());

        ServiceProcess.Result folder = ServiceProcess.run(work, Map.of(), "--folder_path", "does-not-exist");
        assertEquals(1, folder.exitCode(), folder.output());
        assertTrue(folder.output().contains("Cannot start: FOLDER_PATH"), folder.output());

        ServiceProcess.Result proxies = ServiceProcess.run(work, Map.of("FOLDER_PATH", SAMPLES.toString()),
                "--trusted_proxies", "10.0.0.0/8,proxy.example");
        assertEquals(1, proxies.exitCode(), proxies.output());
        assertTrue(proxies.output().contains("Cannot start: TRUSTED_PROXIES: 'proxy.example' is not an IP address"
                + " or CIDR block"), proxies.output());
        assertTrue(!proxies.output().contains("\tat "), "no stack trace: " + proxies.output());
        ServiceProcess.Result bucket = ServiceProcess.run(work, Map.of("STORAGE", "s3"));
        assertEquals(1, bucket.exitCode(), bucket.output());
        assertTrue(bucket.output().contains("Cannot start: STORAGE=s3 needs S3_BUCKET"), bucket.output());
        ServiceProcess.Result endpoint = ServiceProcess.run(work, Map.of(), "--storage", "s3", "--s3_bucket", "b",
                "--s3_endpoint", "minio:9000");
        assertEquals(1, endpoint.exitCode(), endpoint.output());
        assertTrue(endpoint.output().contains("S3_ENDPOINT must be an http:// or https:// URL"), endpoint.output());
    }

    @Test
    void dotEnvIsReadAndFlagsWinOverTheEnvironment() throws Exception {
        Path fromEnvFile = Files.createDirectories(work.resolve("env-file-root/only-in-env-file"));
        Fixtures.write(fromEnvFile.resolve("a.jpg"), 100, 1);
        Path fromFlag = Files.createDirectories(work.resolve("flag-root/only-in-flag"));
        Fixtures.write(fromFlag.resolve("b.jpg"), 100, 2);
        Files.writeString(work.resolve(".env"), "FOLDER_PATH=env-file-root\n");

        try (ServiceProcess service = ServiceProcess.start(work, Map.of()).awaitReady()) {
            assertEquals(200, status(service, "/archive/only-in-env-file/"));
        }
        try (ServiceProcess service = ServiceProcess.start(work, Map.of("FOLDER_PATH", SAMPLES.toString()),
                "--folder_path", "flag-root").awaitReady()) {
            assertEquals(200, status(service, "/archive/only-in-flag/"));
            assertEquals(404, status(service, "/archive/7kna/"));
        }
    }

    @Test
    void realClientsDownloadTestAndResumeTheSampleArchives() throws Exception {
        try (ServiceProcess service = ServiceProcess.start(work, Map.of("FOLDER_PATH", SAMPLES.toString()))
                .awaitReady()) {
            for (String hash : List.of("7kna", "3bea29ccabbbf64bdebcc055319c5745",
                    "af1ad8c76fda2e48ea9aed2937e972ea")) {
                String url = service.url("/archive/" + hash + "/").toString();
                exec("curl", "-sSf", "-O", "-J", url);
                Path zip = work.resolve(hash + ".zip");
                assertTrue(Files.size(zip) > 0, "curl -O -J saved " + zip);
                exec("unzip", "-tq", zip.toString());
                exec("7z", "t", zip.toString());
                exec("python3", "-m", "zipfile", "-t", zip.toString());

                Path resumed = work.resolve(hash + ".resumed.zip");
                exec("curl", "-sSf", "-r", "0-99999", "-o", resumed.toString(), url);
                assertEquals(100_000, Files.size(resumed));
                exec("curl", "-sSf", "-C", "-", "-o", resumed.toString(), url);
                assertArrayEquals(Files.readAllBytes(zip), Files.readAllBytes(resumed), "curl -C - resume");
            }
            exec("unzip", "-o", "-q", work.resolve("af1ad8c76fda2e48ea9aed2937e972ea.zip").toString(), "-d",
                    work.resolve("unpacked").toString());
            assertArrayEquals(
                    Files.readAllBytes(SAMPLES.resolve("af1ad8c76fda2e48ea9aed2937e972ea/Фото с отпуска/вложенная/горы 1.jpg")),
                    Files.readAllBytes(work.resolve("unpacked/Фото с отпуска/вложенная/горы 1.jpg")));
        }
    }

    private static int status(ServiceProcess service, String path) throws Exception {
        HttpURLConnection connection = (HttpURLConnection) service.url(path).toURL().openConnection();
        int code = connection.getResponseCode();
        connection.disconnect();
        return code;
    }

    private void exec(String... command) throws Exception {
        Process process = ChildProcesses.start(new ProcessBuilder(command).directory(work.toFile())
                .redirectErrorStream(true));
        String output = new String(process.getInputStream().readAllBytes());
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), String.join(" ", command) + " timed out");
        assertEquals(0, process.exitValue(), String.join(" ", command) + ": " + output);
    }
}
