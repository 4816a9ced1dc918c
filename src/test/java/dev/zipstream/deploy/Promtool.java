package dev.zipstream.deploy;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs Prometheus' {@code promtool} (Debian package {@code prometheus}, which {@code .ci/run} installs). A missing
 * promtool fails the test that needs it with what to install: the rules must not go unchecked in CI.
 */
final class Promtool {

    record Result(int exitCode, String output) {
    }

    private Promtool() {
    }

    /** Runs {@code promtool args...} in the project directory, to its end (at most a minute). */
    static Result run(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(binary().toString()));
        command.addAll(List.of(args));
        Path out = Files.createTempFile("promtool", ".out");
        try {
            Process process = new ProcessBuilder(command).directory(RenderedManifests.PROJECT_DIR.toFile())
                    .redirectErrorStream(true).redirectOutput(out.toFile()).start();
            if (!process.waitFor(1, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not finish within a minute");
            }
            return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /** promtool from the PROMTOOL environment variable or the PATH. */
    static Path binary() {
        String named = System.getenv("PROMTOOL");
        if (named != null && !named.isBlank()) {
            return Path.of(named);
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, "promtool");
            if (Files.isExecutable(candidate) && !Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        throw new AssertionError("promtool not found: install the Debian package prometheus (.ci/run does), "
                + "or point the PROMTOOL environment variable at it");
    }
}
