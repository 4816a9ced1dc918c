package dev.zipstream.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.zipstream.deploy.GrafanaDashboard;
import dev.zipstream.deploy.PrometheusRules;
import dev.zipstream.it.PrometheusProcess.Series;

/**
 * The dashboard and the alerts against a real Prometheus that scraped the packaged service (issue 11). The service
 * serves downloads, ranges, 404s, a download the client hangs up on, and 503s from load shedding
 * ({@code MAX_CONCURRENT_DOWNLOADS=1} while that download is held open); Prometheus scrapes it every second with the
 * labels the Prometheus Operator gives the ServiceMonitor's targets. Then every target of every panel of
 * {@code k8s/base/grafana/archive-service-dashboard.json} is run through {@code /api/v1/query_range} as Grafana would send
 * it (its variables from {@code label_values}, once as picked and once as All; {@code $__rate_interval} from the
 * range and the scrape interval): each returns data, and the values agree with the traffic. The alerting rules are
 * loaded too: they evaluate without error, and only the one for load shedding is pending.
 */
class DashboardPrometheusIT {

    private static final String NAMESPACE = "photos";
    private static final String POD = "archive-service-7d9f8b6c5-x2k4p";
    /** The target labels the Operator derives for a ServiceMonitor endpoint (k8s/servicemonitor.yaml relabels none). */
    private static final Map<String, String> TARGET_LABELS = Map.of("namespace", NAMESPACE, "pod", POD,
            "service", "archive-service", "container", "archive-service", "endpoint", "http");
    private static final String JOB = "{job=\"archive-service\"}";
    /** Complete downloads of album, in two rounds. */
    private static final int DOWNLOADS = 4;
    private static final int ROUNDS = 2;
    /** The files of {@link #photos}: what the CRC index backlog starts from. */
    private static final int PHOTO_FILES = 4;

    @TempDir
    Path work;

    @Test
    void everyPanelShowsTheTrafficDriven() throws Exception {
        Path root = photos();
        Path rules = PrometheusRules.extract();
        try (ServiceProcess service = ServiceProcess.start(work, Map.of("FOLDER_PATH", root.toString(),
                "MAX_CONCURRENT_DOWNLOADS", "1",
                // The background scan runs every second but leaves the just-made folders alone (an upload in
                // progress), so the backlog panel shows them until the downloads have learned their CRC-32s.
                "INDEX_SCAN_INTERVAL", "1s", "INDEX_SCAN_MIN_AGE", "1h")).awaitReady();
                PrometheusProcess prometheus = PrometheusProcess.start(Files.createDirectories(work.resolve("prom")),
                        "127.0.0.1:" + service.port, TARGET_LABELS, rules)) {
            double start = now();
            prometheus.await("up" + JOB, v -> v == 1, "a first scrape");

            Traffic traffic = drive(service, prometheus);

            // Every increase reached Prometheus, then a full $__rate_interval more, so that every rate window
            // holding one of them is complete.
            prometheus.await("sum(archives_completed_total" + JOB + ")", v -> v == DOWNLOADS + ROUNDS, "the completions");
            prometheus.await("sum(archives_cancelled_total" + JOB + ")", v -> v == 1, "the hang-up");
            double seen = now();
            var time = new GrafanaDashboard.TimeRange(Duration.ofMillis((long) ((seen - start) * 1000)),
                    PrometheusProcess.SCRAPE_INTERVAL, 1000);
            double rateWindow = time.rateInterval().toSeconds();
            double end = prometheus.await("max(timestamp(up" + JOB + "))", t -> t >= seen + rateWindow,
                    "a scrape one rate interval after the last event");
            time = new GrafanaDashboard.TimeRange(Duration.ofMillis((long) ((end - start) * 1000)),
                    PrometheusProcess.SCRAPE_INTERVAL, 1000);
            assertEquals(PrometheusProcess.SCRAPE_INTERVAL, time.interval(), "$__interval, the query step");
            double bytesSent = Tools.value(Tools.scrape(service), "archive_bytes_sent_total");
            // A hung-up download counts what the kernel took, which the client may not all have read; so the
            // count is at least the completed downloads' bytes, not a sum to match exactly.
            assertTrue(bytesSent >= traffic.completedBytes(), bytesSent + " bytes counted, the completed downloads "
                    + "received " + traffic.completedBytes());

            double crcBytes = ServiceHttp.metric(service, "archive_crc_bytes_read_total", "reason=\"request\"");
            Map<String, Consumer<List<Series>>> checks = expectations(traffic, bytesSent, crcBytes);
            GrafanaDashboard dashboard = GrafanaDashboard.shipped();
            Set<String> targets = dashboard.targets().stream().map(GrafanaDashboard.Target::name)
                    .collect(Collectors.toCollection(TreeSet::new));
            assertEquals(new TreeSet<>(checks.keySet()), targets,
                    "every panel target needs its expectation here (and only those)");

            for (boolean all : new boolean[] {false, true}) {
                Map<String, String> variables = variables(prometheus, dashboard, time, all);
                for (GrafanaDashboard.Target target : dashboard.targets()) {
                    String expr = GrafanaDashboard.substitute(target.expr(), variables, time);
                    List<Series> result = prometheus.queryRange(expr, start, end, time.interval());
                    String what = target.name() + (all ? " (All)" : " " + variables) + ": " + expr + " gave " + result;
                    assertTrue(result.stream().anyMatch(Series::hasFiniteValue), "no data: " + what);
                    try {
                        checks.get(target.name()).accept(result);
                    } catch (AssertionError e) {
                        throw new AssertionError(what + "\n" + e.getMessage(), e);
                    }
                }
            }

            checkAlerts(prometheus);
        }
    }

    /** What each panel target must show after {@link #drive}: keyed "panel title: legend". */
    private static Map<String, Consumer<List<Series>>> expectations(Traffic traffic, double bytesSent,
            double crcBytes) {
        Map<String, Consumer<List<Series>>> checks = new LinkedHashMap<>();
        checks.put("Downloads per second: started", about(DOWNLOADS + ROUNDS + 1, "downloads started"));
        checks.put("Downloads per second: completed", about(DOWNLOADS + ROUNDS, "downloads completed"));
        checks.put("Downloads per second: cancelled", about(1, "downloads cancelled"));
        checks.put("Downloads per second: failed", r -> assertEquals(0.0, one(r).max(), "no download failed"));
        checks.put("Active downloads: {{pod}}", r -> {
            assertEquals(POD, one(r).labels().get("pod"));
            assertEquals(1.0, one(r).max(), "the download held open");
        });
        checks.put("Bytes sent per second: sent", about(bytesSent, "bytes"));
        // Over the recording rule's 5 minutes, i.e. all the downloads: the median is a fast one, the slowest
        // tenth (one of seven) is the download held open.
        checks.put("Download duration: p50", r -> assertTrue(one(r).min() >= 0
                && one(r).max() < traffic.heldOpenSeconds() / 2, "the median download took milliseconds"));
        Consumer<List<Series>> slowest = r -> {
            assertTrue(one(r).min() >= 0, "no negative duration");
            assertTrue(one(r).max() >= traffic.heldOpenSeconds() / 2,
                    "the download held open " + traffic.heldOpenSeconds() + " s shows");
        };
        checks.put("Download duration: p90", slowest);
        checks.put("Download duration: p99", slowest);
        checks.put("Download duration: mean", r -> assertTrue(one(r).max() > 0 && one(r).min() >= 0));
        checks.put("Download duration: max", r -> assertTrue(one(r).max() >= traffic.heldOpenSeconds() / 2,
                "the download held open " + traffic.heldOpenSeconds() + " s shows"));
        checks.put("Not found and rejected per second: not found", about(ROUNDS, "404s"));
        checks.put("Not found and rejected per second: rejected (503)", about(ROUNDS, "503s"));
        checks.put("JVM memory used: {{pod}} {{area}}", r -> {
            assertEquals(Set.of("heap", "nonheap"), r.stream().map(s -> s.labels().get("area")).collect(Collectors.toSet()));
            r.forEach(s -> assertEquals(POD, s.labels().get("pod")));
            r.forEach(s -> assertTrue(s.min() > 1 << 20, "more than 1 MiB of " + s.labels()));
        });
        checks.put("HTTP requests per second by status: {{status}}", r -> {
            // Quarkus tags a request whose client reset the connection status="RESET": the hang-up.
            assertEquals(Set.of("200", "206", "404", "503", "RESET"),
                    r.stream().map(s -> s.labels().get("status")).collect(Collectors.toSet()), "statuses served");
            r.stream().filter(s -> !s.labels().get("status").equals("RESET"))
                    .forEach(s -> assertTrue(s.max() > 0, "a rate for " + s.labels()));
        });
        Consumer<List<Series>> quantileOfRequests = r -> assertTrue(one(r).min() >= 0 && one(r).max() > 0);
        checks.put("HTTP response time: p50", quantileOfRequests);
        checks.put("HTTP response time: p95", quantileOfRequests);
        checks.put("HTTP response time: p99", quantileOfRequests);
        checks.put("CRC index backlog: files without a CRC-32", r -> {
            assertTrue(one(r).max() <= PHOTO_FILES, "at most the " + PHOTO_FILES + " files wait for a CRC-32");
            assertEquals(0.0, one(r).last(), "every file's CRC-32 is known once each was downloaded");
        });
        checks.put("Bytes read for CRC-32s per second: {{reason}}", r -> {
            Series request = r.stream().filter(s -> "request".equals(s.labels().get("reason"))).findFirst()
                    .orElseThrow(() -> new AssertionError("no reason=\"request\" series: " + r));
            about(crcBytes, "bytes read for CRC-32s by downloads").accept(List.of(request));
            r.stream().filter(s -> "background".equals(s.labels().get("reason")))
                    .forEach(s -> assertEquals(0.0, s.max(), "the scan left the fresh folders alone"));
        });
        checks.put("CRC index errors per second: errors", r -> assertEquals(0.0, one(r).max(), "no index error"));
        return checks;
    }

    /**
     * A per-second rate whose area over the range is what was counted, within a factor of 2 (rate windows
     * extrapolate to their edges, and a step may catch one window more or less of an increase).
     */
    private static Consumer<List<Series>> about(double counted, String what) {
        return r -> {
            // The query step is $__interval, which is the scrape interval for ranges this short.
            double area = one(r).integral(PrometheusProcess.SCRAPE_INTERVAL);
            assertTrue(area >= counted / 2 && area <= counted * 2,
                    what + ": the rate adds up to " + area + " over the range, " + counted + " were counted");
        };
    }

    private static Series one(List<Series> result) {
        assertEquals(1, result.size(), "series");
        return result.get(0);
    }

    /** The dashboard's variables as Grafana fills them: label_values through the series API, in order. */
    private static Map<String, String> variables(PrometheusProcess prometheus, GrafanaDashboard dashboard,
            GrafanaDashboard.TimeRange time, boolean all) throws Exception {
        Map<String, String> values = new LinkedHashMap<>();
        for (GrafanaDashboard.Variable variable : dashboard.variables()) {
            Map<String, String> params = new LinkedHashMap<>();
            if (!variable.match().isEmpty()) {
                params.put("match[]", GrafanaDashboard.substitute(variable.match(), values, time));
            }
            List<String> options = new ArrayList<>();
            for (JsonValue v : prometheus.api("label/" + variable.label() + "/values", params).asJsonArray()) {
                options.add(((JsonString) v).getString());
            }
            String expected = variable.name().equals("namespace") ? NAMESPACE
                    : variable.name().equals("job") ? "archive-service" : null;
            if (expected != null) {
                assertEquals(List.of(expected), options, "the options of $" + variable.name());
            }
            values.put(variable.name(), GrafanaDashboard.format(variable, options, all));
        }
        return values;
    }

    /**
     * The rules evaluate against the real series without error; load shedding has made its alert pending, the others
     * are inactive. Polled (bounded): a scrape that timed out on a busy machine makes ArchiveServiceNoReadyPods
     * pending until the next one succeeds.
     */
    private static void checkAlerts(PrometheusProcess prometheus) throws Exception {
        Map<String, String> expected = new TreeMap<>();
        PrometheusRules.alertNames().forEach(a -> expected.put(a, a.equals("ArchiveServiceSaturated") ? "pending"
                : "inactive"));
        Map<String, String> states = new TreeMap<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!states.equals(expected) && System.nanoTime() < deadline) {
            if (!states.isEmpty()) {
                Thread.sleep(200);
            }
            states.clear();
            JsonObject rules = prometheus.api("rules", Map.of()).asJsonObject();
            for (JsonValue group : rules.getJsonArray("groups")) {
                for (JsonValue r : group.asJsonObject().getJsonArray("rules")) {
                    JsonObject rule = r.asJsonObject();
                    assertEquals("ok", rule.getString("health"), rule.toString());
                    if ("alerting".equals(rule.getString("type"))) {
                        states.put(rule.getString("name"), rule.getString("state"));
                    }
                }
            }
        }
        assertEquals(expected, states, "alert states after the traffic");
    }

    /**
     * Two rounds of downloads, a range and a 404, then a download held open while two others get 503, then hung up
     * on. Each kind of request is made again once Prometheus has the series the first one created: a rate sees only
     * increases between two samples, so a series born with its first request shows no rate for it (the
     * archives_* counters exist from the start, Quarkus' http_server_requests series only from their first
     * request). The hang-up happens once: its status="RESET" series is only checked to be there.
     */
    private Traffic drive(ServiceProcess service, PrometheusProcess prometheus) throws Exception {
        var http = Tools.http();
        long completed = 0;
        for (int round = 1; round <= ROUNDS; round++) {
            for (int i = 0; i < DOWNLOADS / ROUNDS; i++) {
                var download = Tools.get(http, service.url("/archive/album/"));
                assertEquals(200, download.statusCode());
                completed += download.body().length;
            }
            var range = Tools.get(http, service.url("/archive/album/"), "Range", "bytes=0-999");
            assertEquals(206, range.statusCode());
            completed += range.body().length;
            assertEquals(404, Tools.get(http, service.url("/archive/no-such-album/")).statusCode());
            awaitRequests(prometheus, "200", round * DOWNLOADS / ROUNDS);
            awaitRequests(prometheus, "206", round);
            awaitRequests(prometheus, "404", round);
        }

        long heldSince = System.nanoTime();
        try (Socket slow = new Socket()) {
            slow.setReceiveBufferSize(64 * 1024);
            slow.connect(new InetSocketAddress("127.0.0.1", service.port), 5000);
            OutputStream out = slow.getOutputStream();
            out.write("GET /archive/big/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = slow.getInputStream();
            String head = readHead(in);
            assertTrue(head.startsWith("HTTP/1.1 200"), head);
            assertEquals(64 * 1024, in.readNBytes(64 * 1024).length);
            // It reads no more: the download stays open, holding the only slot.
            prometheus.await("sum(archives_active" + JOB + ")", v -> v == 1, "the download held open");
            for (int round = 1; round <= ROUNDS; round++) {
                assertEquals(503, Tools.get(http, service.url("/archive/album/")).statusCode(), "load shedding");
                awaitRequests(prometheus, "503", round);
            }
            slow.setSoLinger(true, 0);
        }
        double held = (System.nanoTime() - heldSince) / 1e9;
        return new Traffic(completed, held);
    }

    private static void awaitRequests(PrometheusProcess prometheus, String status, int count) throws Exception {
        prometheus.await("sum(http_server_requests_seconds_count{job=\"archive-service\", uri=\"/archive/{hash}\", "
                + "status=\"" + status + "\"})", v -> v == count, count + " requests answered " + status);
    }

    private record Traffic(long completedBytes, double heldOpenSeconds) {
    }

    private static String readHead(InputStream in) throws Exception {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new AssertionError("connection closed in the headers: " + head);
            }
            head.append((char) b);
        }
        return head.toString();
    }

    /** album: three 300 KiB photos; big: one 64 MiB file (sparse), which no socket buffer holds. */
    private Path photos() throws Exception {
        Path root = Files.createDirectories(work.resolve("photos"));
        Path album = Files.createDirectories(root.resolve("album"));
        Random random = new Random(11);
        for (int i = 1; i <= 3; i++) {
            byte[] photo = new byte[300 * 1024];
            random.nextBytes(photo);
            Files.write(album.resolve("IMG_000" + i + ".jpg"), photo);
        }
        Path big = Files.createDirectories(root.resolve("big"));
        try (RandomAccessFile file = new RandomAccessFile(big.resolve("video.mp4").toFile(), "rw")) {
            file.setLength(64L << 20);
        }
        return root;
    }

    private static double now() {
        return System.currentTimeMillis() / 1000.0;
    }
}
