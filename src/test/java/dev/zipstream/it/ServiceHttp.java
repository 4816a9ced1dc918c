package dev.zipstream.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.zipstream.PrometheusText;

/** Plain HTTP against a {@link ServiceProcess}: one request with headers, and its Prometheus counters. */
final class ServiceHttp {

    private ServiceHttp() {
    }

    /** A complete response: status, the headers the tests read, the body (empty for HEAD and errors). */
    record Reply(int status, Map<String, String> headers, byte[] body, long nanos) {
        String header(String name) {
            return headers.get(name.toLowerCase());
        }

        long contentLength() {
            return Long.parseLong(header("Content-Length"));
        }
    }

    static Reply request(ServiceProcess service, String method, String path, String... headerPairs)
            throws IOException {
        long start = System.nanoTime();
        HttpURLConnection connection = (HttpURLConnection) service.url(path).toURL().openConnection();
        connection.setRequestMethod(method);
        for (int i = 0; i < headerPairs.length; i += 2) {
            connection.setRequestProperty(headerPairs[i], headerPairs[i + 1]);
        }
        try {
            int status = connection.getResponseCode();
            Map<String, String> headers = new HashMap<>();
            connection.getHeaderFields().forEach((name, values) -> {
                if (name != null) {
                    headers.put(name.toLowerCase(), values.get(0));
                }
            });
            byte[] body = new byte[0];
            if (!method.equals("HEAD") && status < 400) {
                try (InputStream in = connection.getInputStream()) {
                    body = in.readAllBytes();
                }
            }
            return new Reply(status, headers, body, System.nanoTime() - start);
        } finally {
            connection.disconnect();
        }
    }

    /** The sum of a metric's samples in {@code /q/metrics}. */
    static double metric(ServiceProcess service, String name) throws IOException {
        String text = new String(request(service, "GET", "/q/metrics").body(), StandardCharsets.UTF_8);
        return PrometheusText.sum(text, name);
    }

    /** Waits (up to 10 s) for a counter to reach {@code expected}, then requires it to equal it. */
    static void awaitMetric(ServiceProcess service, String name, double expected) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (metric(service, name) < expected && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(expected, metric(service, name), name);
    }

    /**
     * The sum of a metric's samples whose labels contain {@code label} (e.g. {@code reason="request"}); NaN while a
     * gauge does not know its value yet.
     */
    static double metric(ServiceProcess service, String name, String label) throws IOException {
        String text = new String(request(service, "GET", "/q/metrics").body(), StandardCharsets.UTF_8);
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "(\\{[^}]*\\})? (NaN|[0-9.eE+-]+)$")
                .matcher(text);
        double sum = 0;
        boolean found = false;
        while (m.find()) {
            if (m.group(1) != null && m.group(1).contains(label) || label.isEmpty()) {
                sum += Double.parseDouble(m.group(2));
                found = true;
            }
        }
        assertTrue(found, "metric " + name + " with " + label + " is exported");
        return sum;
    }

    /** File bytes read for CRC-32s on behalf of requests (not the background scan). */
    static double requestCrcBytes(ServiceProcess service) throws IOException {
        return metric(service, "archive_crc_bytes_read_total", "reason=\"request\"");
    }

    /** Waits (up to 10 s) for the service's log to contain {@code text}; returns the log. */
    static String awaitLog(ServiceProcess service, String text) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        String log = service.output();
        while (!log.contains(text) && System.nanoTime() < deadline) {
            Thread.sleep(20);
            log = service.output();
        }
        assertTrue(log.contains(text), "the log shows \"" + text + "\":\n" + log);
        return log;
    }

    static String millis(long nanos) {
        return String.format("%.1f ms", nanos / 1e6);
    }
}
