package dev.zipstream.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the process-level tests share: the real tools they drive (a missing one fails the test: CI installs them
 * through {@code .ci/run}), free ports, HTTP/1.1 requests and the Prometheus text of {@code /q/metrics}.
 */
final class Tools {

    /** A sample line: name, labels (quoted values may hold braces, as in uri="/archive/{hash}"), value. */
    private static final Pattern SAMPLE = Pattern.compile(
            "^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(?:[^\"}]|\"(?:[^\"\\\\]|\\\\.)*\")*})?\\s+(\\S+)");

    private Tools() {
    }

    /** The executable {@code command} on the PATH (or at that absolute path); fails with what to install. */
    static Path require(String command, String debianPackage) {
        if (command.startsWith("/")) {
            if (Files.isExecutable(Path.of(command))) {
                return Path.of(command);
            }
        } else {
            for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
                Path candidate = Path.of(dir.isEmpty() ? "." : dir, command);
                if (Files.isExecutable(candidate) && !Files.isDirectory(candidate)) {
                    return candidate;
                }
            }
        }
        throw new AssertionError(command + " not found: install the Debian package " + debianPackage
                + " (.ci/run does)");
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    record Result(int exitCode, String output) {
    }

    /** Runs a command to its end (bounded), with its output; fails if it does not finish in time. */
    static Result run(Path dir, Duration timeout, Map<String, String> env, String... command) throws Exception {
        Path out = Files.createTempFile("command", ".out");
        try {
            ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(out.toFile());
            builder.environment().putAll(env);
            Process process = ChildProcesses.start(builder);
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not finish within " + timeout + ":\n"
                        + Files.readString(out, StandardCharsets.UTF_8));
            }
            return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /** Runs a command that must succeed; returns its output. */
    static String exec(Path dir, Duration timeout, String... command) throws Exception {
        Result result = run(dir, timeout, Map.of(), command);
        assertEquals(0, result.exitCode(), String.join(" ", command) + ":\n" + result.output());
        return result.output();
    }

    /** A client that speaks HTTP/1.1 (as browsers and proxies do to this service) and follows no redirect. */
    static HttpClient http() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    static HttpResponse<byte[]> get(HttpClient client, URI uri, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60)).GET();
        if (headers.length > 0) {
            request.headers(headers);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    static HttpResponse<Void> head(HttpClient client, URI uri) throws Exception {
        return client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
    }

    /** A response head: the status and the header lines (names in lower case). */
    record Head(int status, Map<String, String> headers) {
    }

    /**
     * One request over a socket whose own address is {@code localAddress}: every 127/8 address is this machine, so
     * several distinct clients can talk to a local server (or to nginx in front of it). Reads the head only.
     */
    static Head requestFrom(String localAddress, int port, String method, String path, String... headerLines)
            throws IOException {
        try (java.net.Socket socket = new java.net.Socket()) {
            socket.bind(new java.net.InetSocketAddress(localAddress, 0));
            socket.connect(new java.net.InetSocketAddress("127.0.0.1", port), 5000);
            socket.setSoTimeout(30_000);
            StringBuilder request = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n");
            for (String line : headerLines) {
                request.append(line).append("\r\n");
            }
            request.append("Connection: close\r\n\r\n");
            socket.getOutputStream().write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
            java.io.InputStream in = socket.getInputStream();
            java.io.ByteArrayOutputStream head = new java.io.ByteArrayOutputStream();
            while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    throw new IOException("connection closed in the response head: " + head);
                }
                head.write(b);
            }
            String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
            Map<String, String> headers = new java.util.HashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                if (colon > 0) {
                    headers.put(lines[i].substring(0, colon).trim().toLowerCase(), lines[i].substring(colon + 1).trim());
                }
            }
            return new Head(Integer.parseInt(lines[0].substring(9, 12)), headers);
        }
    }

    /** The Prometheus text the service exports at {@code /q/metrics}. */
    static String scrape(ServiceProcess service) throws Exception {
        HttpResponse<byte[]> response = get(http(), service.url("/q/metrics"), "Accept", "text/plain");
        assertEquals(200, response.statusCode(), "GET /q/metrics");
        return new String(response.body(), StandardCharsets.UTF_8);
    }

    /** Every series name that has a sample in a Prometheus text scrape (comments and TYPE/HELP lines skipped). */
    static Set<String> seriesNames(String scrape) {
        Set<String> names = new TreeSet<>();
        for (String line : scrape.split("\n")) {
            Matcher m = SAMPLE.matcher(line);
            if (!line.startsWith("#") && m.find()) {
                names.add(m.group(1));
            }
        }
        return names;
    }

    /** The value of the first sample of {@code name} (any labels); fails if there is none. */
    static double value(String scrape, String name) {
        for (String line : scrape.split("\n")) {
            Matcher m = SAMPLE.matcher(line);
            if (!line.startsWith("#") && m.find() && m.group(1).equals(name)) {
                return Double.parseDouble(m.group(3));
            }
        }
        throw new AssertionError("no sample of " + name + " in /q/metrics");
    }
}
