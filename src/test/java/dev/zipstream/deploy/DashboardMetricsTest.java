package dev.zipstream.deploy;

import static dev.zipstream.deploy.RenderedManifests.at;
import static dev.zipstream.deploy.RenderedManifests.list;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every metric that the Grafana dashboard and the alerts query must be one the service exports, so that a
 * renamed meter cannot leave an empty panel or an alert that never fires.
 */
class DashboardMetricsTest {

    /**
     * The Prometheus names the service exports on /q/metrics (Micrometer meters archives.started, ...,
     * timer archive.download, plus what Quarkus' Micrometer binders export).
     * ArchiveMetricsTest in the main code must agree with this set; it is the contract between the
     * service and k8s/grafana/archive-service-dashboard.json and k8s/prometheusrule.yaml.
     * The _bucket series exist only if the service publishes histograms for both timers.
     */
    static final Set<String> EXPORTED_METRICS = Set.of(
            "archives_started_total",
            "archives_completed_total",
            "archives_cancelled_total",
            "archives_failed_total",
            "archives_not_found_total",
            "archives_rejected_total",
            "archive_bytes_sent_total",
            "archives_active",
            "archive_download_seconds_count",
            "archive_download_seconds_sum",
            "archive_download_seconds_max",
            "archive_download_seconds_bucket",
            "http_server_requests_seconds_count",
            "http_server_requests_seconds_sum",
            "http_server_requests_seconds_max",
            "http_server_requests_seconds_bucket",
            "jvm_memory_used_bytes");

    /**
     * Series the alerts may use that do not come from the service: {@code up} is written by Prometheus for
     * every scrape, kube_deployment_status_replicas_available by kube-state-metrics. Only
     * ArchiveServiceNoReadyPods needs them (a pod that is down exports nothing).
     */
    static final Set<String> NOT_FROM_THE_SERVICE = Set.of("up", "kube_deployment_status_replicas_available");

    private static final Set<String> PROMQL_KEYWORDS = Set.of("and", "or", "unless", "bool", "offset", "by",
            "without", "on", "ignoring", "group_left", "group_right", "inf", "nan");
    private static final Pattern STRING_LITERAL = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'");
    private static final Pattern LABEL_MATCHERS = Pattern.compile("\\{[^}]*}");
    private static final Pattern RANGE = Pattern.compile("\\[[^]]*]");
    private static final Pattern GROUPING = Pattern.compile(
            "\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
    private static final Pattern GRAFANA_VARIABLE = Pattern.compile("\\$\\{?\\w+}?");
    private static final Pattern IDENTIFIER = Pattern.compile("(?<![\\w.:$])[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL_VALUES = Pattern.compile("^\\s*label_values\\((.*),\\s*\\w+\\s*\\)\\s*$");

    /** Metric names in one PromQL expression: identifiers that are not functions, keywords or label names. */
    static Set<String> metricNames(String expr) {
        String s = STRING_LITERAL.matcher(expr).replaceAll("\"\"");
        s = LABEL_MATCHERS.matcher(s).replaceAll("{}");
        s = RANGE.matcher(s).replaceAll("[]");
        s = GROUPING.matcher(s).replaceAll(" ");
        s = GRAFANA_VARIABLE.matcher(s).replaceAll(" ");
        Set<String> names = new TreeSet<>();
        Matcher m = IDENTIFIER.matcher(s);
        while (m.find()) {
            String rest = s.substring(m.end()).stripLeading();
            boolean functionCall = rest.startsWith("(");
            if (!functionCall && !PROMQL_KEYWORDS.contains(m.group().toLowerCase())) {
                names.add(m.group());
            }
        }
        return names;
    }

    /** Metric names in a Grafana variable query: label_values(metric, label) or a PromQL expression. */
    static Set<String> metricNamesOfVariableQuery(String query) {
        Matcher labelValues = LABEL_VALUES.matcher(query);
        if (labelValues.matches()) {
            return metricNames(labelValues.group(1));
        }
        if (query.matches("^\\s*label_values\\(\\s*\\w+\\s*\\)\\s*$")) {
            return Set.of();
        }
        return metricNames(query);
    }

    @ParameterizedTest
    @CsvSource(delimiterString = "=>", value = {
            "sum(rate(a_total{job=\"x\", le=~\"1|2\"}[$__rate_interval])) => a_total",
            "histogram_quantile(0.99, sum by (le) (rate(b_bucket{ns=~\"$namespace\"}[5m]))) => b_bucket",
            "sum by (pod, area) (c_bytes) / ignoring(area) group_left d_total > 1e3 => c_bytes d_total",
            "e_total{a=\"b\"} == 0 or sum(f) without (pod) == 0 or absent(g{job=\"x\"}) offset 5m => e_total f g",
            "max_over_time(h_max[1h:5m]) > bool 0.05 unless on(namespace) i_count => h_max i_count",
    })
    void extractsMetricNamesFromPromql(String expr, String expected) {
        assertEquals(new TreeSet<>(List.of(expected.split(" "))), metricNames(expr));
    }

    @Test
    void extractsTheMetricOfLabelValues() {
        assertEquals(Set.of("archives_started_total"),
                metricNamesOfVariableQuery("label_values(archives_started_total{namespace=~\"$namespace\"}, job)"));
        assertEquals(Set.of(), metricNamesOfVariableQuery("label_values(namespace)"));
    }

    @Test
    void dashboardQueriesOnlyExportedMetrics() {
        Set<String> used = dashboardMetrics();
        assertTrue(EXPORTED_METRICS.containsAll(used), "not exported: " + difference(used, EXPORTED_METRICS));
    }

    @Test
    void dashboardShowsTheServiceMetrics() {
        Set<String> used = dashboardMetrics();
        for (String metric : List.of("archives_started_total", "archives_completed_total", "archives_cancelled_total",
                "archives_failed_total", "archives_active", "archive_bytes_sent_total",
                "archive_download_seconds_bucket", "archives_not_found_total", "jvm_memory_used_bytes",
                "http_server_requests_seconds_count", "http_server_requests_seconds_bucket")) {
            assertTrue(used.contains(metric), "no panel queries " + metric);
        }
    }

    @Test
    void alertsQueryOnlyExportedMetrics() {
        List<String> exprs = alertExpressions();
        assertEquals(4, exprs.size(), "alert expressions");
        Set<String> used = new TreeSet<>();
        exprs.forEach(e -> used.addAll(metricNames(e)));
        Set<String> allowed = new TreeSet<>(EXPORTED_METRICS);
        allowed.addAll(NOT_FROM_THE_SERVICE);
        assertTrue(allowed.containsAll(used), "not exported: " + difference(used, allowed));
        for (String metric : List.of("archives_failed_total", "archives_started_total", "archives_rejected_total",
                "archives_not_found_total", "up")) {
            assertTrue(used.contains(metric), "no alert queries " + metric);
        }
    }

    // ---------------------------------------------------------------- helpers

    /** Metrics of every dashboard the kustomization ships (ConfigMaps labelled grafana_dashboard). */
    private static Set<String> dashboardMetrics() {
        Set<String> used = new TreeSet<>();
        int dashboards = 0;
        for (Map<String, Object> configMap : RenderedManifests.ofKind("ConfigMap")) {
            if (!"1".equals(at(configMap, "metadata", "labels", "grafana_dashboard"))) {
                continue;
            }
            for (Object json : ((Map<?, ?>) configMap.get("data")).values()) {
                dashboards++;
                try (JsonReader reader = Json.createReader(new StringReader((String) json))) {
                    JsonObject dashboard = reader.readObject();
                    List<String> exprs = new ArrayList<>();
                    collectStrings(dashboard.get("panels"), "expr", exprs);
                    assertFalse(exprs.isEmpty(), "dashboard without queries");
                    exprs.forEach(e -> used.addAll(metricNames(e)));
                    for (JsonValue variable : dashboard.getJsonObject("templating").getJsonArray("list")) {
                        JsonValue query = variable.asJsonObject().get("query");
                        if ("query".equals(variable.asJsonObject().getString("type"))) {
                            String text = query instanceof JsonObject o ? o.getString("query")
                                    : ((JsonString) query).getString();
                            used.addAll(metricNamesOfVariableQuery(text));
                        }
                    }
                }
            }
        }
        assertEquals(1, dashboards, "dashboards in kubectl kustomize k8s/");
        return used;
    }

    private static void collectStrings(JsonValue node, String key, List<String> out) {
        if (node instanceof JsonObject object) {
            object.forEach((k, v) -> {
                if (k.equals(key) && v instanceof JsonString s) {
                    out.add(s.getString());
                } else {
                    collectStrings(v, key, out);
                }
            });
        } else if (node instanceof JsonArray array) {
            array.forEach(v -> collectStrings(v, key, out));
        }
    }

    private static List<String> alertExpressions() {
        List<String> exprs = new ArrayList<>();
        for (Map<String, Object> rule : RenderedManifests.ofKind("PrometheusRule")) {
            for (Object group : list(rule, "spec", "groups")) {
                for (Object r : list(group, "rules")) {
                    exprs.add((String) at(r, "expr"));
                }
            }
        }
        return exprs;
    }

    private static Set<String> difference(Set<String> a, Set<String> b) {
        Set<String> d = new TreeSet<>(a);
        d.removeAll(b);
        return d;
    }
}
