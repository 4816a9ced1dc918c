package dev.zipstream.it;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The packaged service ({@code target/quarkus-app/quarkus-run.jar}) as a real process, as operators run it. */
final class ServiceProcess implements AutoCloseable {

    static final Path JAR = Path.of("target/quarkus-app/quarkus-run.jar").toAbsolutePath();

    private final Process process;
    private final Path log;
    final int port;

    private ServiceProcess(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
    }

    /** Starts the service in {@code workDir} with these environment variables and arguments. */
    static ServiceProcess start(Path workDir, Map<String, String> env, String... args) throws IOException {
        int port = freePort();
        Path log = Files.createTempFile("service", ".log");
        List<String> command = new ArrayList<>(List.of(javaBinary(), "-Xmx256m",
                "--add-opens=java.base/sun.nio.fs=ALL-UNNAMED", "-jar", JAR.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        for (String inherited : List.of("FOLDER_PATH", "CRC_INDEX_DIR", "INDEX_MAX_BYTES_PER_SECOND",
                "INDEX_SCAN_MIN_AGE")) {
            builder.environment().remove(inherited);
        }
        builder.environment().put("QUARKUS_HTTP_PORT", String.valueOf(port));
        // Tests that count CRC bytes expect a cold start: a test that wants the background scan says so. (The
        // index itself is on, in the default crc-index/ under the test's own working directory.)
        builder.environment().put("INDEX_SCAN_INTERVAL", "off");
        builder.environment().putAll(env);
        return new ServiceProcess(ChildProcesses.start(builder), log, port);
    }

    /** Runs the service to its exit (for refused starts and --help). */
    static Result run(Path workDir, Map<String, String> env, String... args) throws Exception {
        try (ServiceProcess service = start(workDir, env, args)) {
            if (!service.process.waitFor(30, TimeUnit.SECONDS)) {
                throw new AssertionError("the service did not exit: " + service.output());
            }
            return new Result(service.process.exitValue(), service.output());
        }
    }

    record Result(int exitCode, String output) {
    }

    /**
     * Waits until readiness answers UP; fails with the log if the process dies or takes too long, and then stops
     * it ({@code try (ServiceProcess s = start(...).awaitReady())} would otherwise never close it).
     */
    ServiceProcess awaitReady() throws Exception {
        try {
            return awaitReadyOrFail();
        } catch (Exception | AssertionError e) {
            close();
            throw e;
        }
    }

    private ServiceProcess awaitReadyOrFail() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("the service exited with " + process.exitValue() + ": " + output());
            }
            try {
                HttpURLConnection c = (HttpURLConnection) url("/q/health/ready").toURL().openConnection();
                if (c.getResponseCode() == 200) {
                    return this;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the service did not become ready: " + output());
    }

    URI url(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    String output() throws IOException {
        return Files.readString(log, StandardCharsets.UTF_8);
    }

    Process process() {
        return process;
    }

    /** SIGTERM, then SIGKILL after 20 s (a download may be in flight); idempotent. */
    @Override
    public void close() throws IOException {
        ChildProcesses.stop(process, 20);
        Files.deleteIfExists(log);
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
