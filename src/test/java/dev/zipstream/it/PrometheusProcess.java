package dev.zipstream.it;

import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.DoublePredicate;
import java.util.stream.Collectors;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

/**
 * A real Prometheus (Debian's {@code prometheus}, which {@code .ci/run} installs) as a process: its own storage in a
 * temporary directory, its HTTP API on a free port of 127.0.0.1, scraping one archive-service every second with the
 * labels the Prometheus Operator gives the targets of {@code k8s/servicemonitor.yaml}, and evaluating the alerting
 * rules every second. It dies with the test: {@link #close()}, or a shutdown hook if the JVM stops first.
 */
final class PrometheusProcess implements AutoCloseable {

    static final Duration SCRAPE_INTERVAL = Duration.ofSeconds(1);

    /** One series of a query result: its labels and its (time in seconds, value) points; NaN stays NaN. */
    record Series(Map<String, String> labels, List<double[]> points) {

        double max() {
            return points.stream().mapToDouble(p -> p[1]).filter(Double::isFinite).max().orElse(Double.NaN);
        }

        double min() {
            return points.stream().mapToDouble(p -> p[1]).filter(Double::isFinite).min().orElse(Double.NaN);
        }

        /** The value at the end of the range (the newest finite point). */
        double last() {
            for (int i = points.size() - 1; i >= 0; i--) {
                if (Double.isFinite(points.get(i)[1])) {
                    return points.get(i)[1];
                }
            }
            return Double.NaN;
        }

        boolean hasFiniteValue() {
            return points.stream().anyMatch(p -> Double.isFinite(p[1]));
        }

        /** The area under the curve: the sum of value times step, for a rate what it counted over the range. */
        double integral(Duration step) {
            return points.stream().mapToDouble(p -> p[1]).filter(Double::isFinite).sum() * step.toMillis() / 1000.0;
        }

        @Override
        public String toString() {
            return labels + " " + points.stream().map(p -> String.format(java.util.Locale.ROOT, "%.4g", p[1]))
                    .collect(Collectors.joining(" ", "[", "]"));
        }
    }

    private final Process process;
    private final Path log;
    private final int port;
    private final Thread killer;
    private final HttpClient http = Tools.http();

    private PrometheusProcess(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
        this.killer = new Thread(process::destroyForcibly, "kill prometheus");
        Runtime.getRuntime().addShutdownHook(killer);
    }

    /**
     * Starts Prometheus in {@code dir} scraping {@code /q/metrics} of {@code target} (host:port) as job
     * archive-service with these target labels, and loading {@code rulesFile}; returns once it answers ready.
     */
    static PrometheusProcess start(Path dir, String target, Map<String, String> labels, Path rulesFile)
            throws Exception {
        Path binary = Tools.require("prometheus", "prometheus");
        int port = Tools.freePort();
        String labelLines = labels.entrySet().stream()
                .map(e -> "          " + e.getKey() + ": \"" + e.getValue() + "\"")
                .collect(Collectors.joining("\n"));
        Path config = dir.resolve("prometheus.yml");
        Files.writeString(config, """
                global:
                  scrape_interval: %1$ds
                  scrape_timeout: %1$ds
                  evaluation_interval: %1$ds
                rule_files:
                  - "%2$s"
                scrape_configs:
                  - job_name: archive-service
                    metrics_path: /q/metrics
                    static_configs:
                      - targets: ["%3$s"]
                        labels:
                %4$s
                """.formatted(SCRAPE_INTERVAL.toSeconds(), rulesFile, target, labelLines), StandardCharsets.UTF_8);
        Path log = dir.resolve("prometheus.log");
        Process process = new ProcessBuilder(binary.toString(), "--config.file=" + config,
                "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port)
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        PrometheusProcess prometheus = new PrometheusProcess(process, log, port);
        try {
            prometheus.awaitReady();
            return prometheus;
        } catch (Exception | AssertionError e) {
            prometheus.close();
            throw e;
        }
    }

    private void awaitReady() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("prometheus exited with " + process.exitValue() + ":\n" + output());
            }
            try {
                HttpResponse<String> ready = http.send(HttpRequest.newBuilder(url("/-/ready"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                if (ready.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new AssertionError("prometheus did not become ready:\n" + output());
    }

    URI url(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    /** GET /api/v1/{path} with these parameters; fails unless the status is success. Returns {@code data}. */
    JsonValue api(String path, Map<String, String> params) throws Exception {
        String query = params.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(url("/api/v1/" + path + "?" + query))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        JsonObject body;
        try (JsonReader reader = Json.createReader(new StringReader(response.body()))) {
            body = reader.readObject();
        }
        if (response.statusCode() != 200 || !"success".equals(body.getString("status"))) {
            throw new AssertionError("prometheus /api/v1/" + path + " " + params + ": " + response.statusCode() + " "
                    + response.body());
        }
        return body.get("data");
    }

    /** An instant query; its series (an empty list when nothing matches). */
    List<Series> query(String expr) throws Exception {
        return series(api("query", Map.of("query", expr)).asJsonObject());
    }

    /** A range query, as Grafana's time series panels send them. */
    List<Series> queryRange(String expr, double start, double end, Duration step) throws Exception {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("query", expr);
        params.put("start", seconds(start));
        params.put("end", seconds(end));
        params.put("step", seconds(step.toMillis() / 1000.0));
        return series(api("query_range", params).asJsonObject());
    }

    private static String seconds(double seconds) {
        return String.format(java.util.Locale.ROOT, "%.3f", seconds);
    }

    /** The single value of an instant query, NaN when it returns nothing. */
    double value(String expr) throws Exception {
        List<Series> result = query(expr);
        if (result.size() > 1) {
            throw new AssertionError(expr + " returned " + result.size() + " series, expected one");
        }
        return result.isEmpty() ? Double.NaN : result.get(0).points().get(0)[1];
    }

    /** Polls an instant query until its value satisfies {@code condition} (bounded); returns that value. */
    double await(String expr, DoublePredicate condition, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        double last = Double.NaN;
        while (System.nanoTime() < deadline) {
            last = value(expr);
            if (condition.test(last)) {
                return last;
            }
            Thread.sleep(200);
        }
        String log = output();
        throw new AssertionError("Prometheus never saw " + what + ": " + expr + " = " + last + "\n"
                + log.substring(Math.max(0, log.length() - 4000)));
    }

    String output() throws IOException {
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(killer);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs anyway
        }
    }

    private static List<Series> series(JsonObject data) {
        List<Series> result = new ArrayList<>();
        String type = data.getString("resultType");
        if (!type.equals("vector") && !type.equals("matrix")) {
            throw new AssertionError("unexpected result type " + type);
        }
        for (JsonValue item : data.getJsonArray("result")) {
            JsonObject s = item.asJsonObject();
            Map<String, String> labels = new LinkedHashMap<>();
            s.getJsonObject("metric").forEach((k, v) -> labels.put(k, ((JsonString) v).getString()));
            List<double[]> points = new ArrayList<>();
            if (type.equals("vector")) {
                points.add(point(s.getJsonArray("value")));
            } else {
                s.getJsonArray("values").forEach(v -> points.add(point(v.asJsonArray())));
            }
            result.add(new Series(labels, points));
        }
        return result;
    }

    private static double[] point(JsonArray pair) {
        return new double[] {pair.getJsonNumber(0).doubleValue(), number(pair.getString(1))};
    }

    /** Prometheus writes values as Go formats them: NaN, +Inf, -Inf or a decimal number. */
    private static double number(String text) {
        return switch (text) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(text);
        };
    }
}
