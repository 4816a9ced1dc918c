package dev.zipstream.deploy;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The metric names that the Grafana dashboard ({@code k8s/base/grafana/archive-service-dashboard.json}) and the alerts
 * ({@code k8s/base/prometheusrule.yaml}) query, extracted from their PromQL (a recording rule's name stands for what it reads); and the contract of what the service exports.
 * Used by {@link DashboardMetricsTest} (on the manifests as kustomize renders them) and by
 * {@code dev.zipstream.it.DashboardMetricsLiveIT} (on the files, against a live scrape of {@code /q/metrics}).
 */
public final class MonitoredMetrics {

    /**
     * The Prometheus names the service exports on /q/metrics (Micrometer meters archives.started, ...,
     * timer archive.download, plus what Quarkus' Micrometer binders export).
     * ArchiveMetricsTest in the main code must agree with this set; it is the contract between the
     * service and k8s/base/grafana/archive-service-dashboard.json and k8s/base/prometheusrule.yaml.
     * The _bucket series exist only if the service publishes histograms for both timers.
     */
    public static final Set<String> EXPORTED_METRICS = Set.of(
            "archives_started_total",
            "archives_completed_total",
            "archives_cancelled_total",
            "archives_failed_total",
            "archives_not_found_total",
            "archives_rejected_total",
            "archive_bytes_sent_total",
            "archives_active",
            "archive_crc_bytes_read_total",
            "archive_index_pending_files",
            "archive_index_errors_total",
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
    public static final Set<String> NOT_FROM_THE_SERVICE = Set.of("up", "kube_deployment_status_replicas_available");

    /** The dashboard JSON, the only copy (kustomize's configMapGenerator wraps it in a ConfigMap). */
    public static final Path DASHBOARD_FILE = RenderedManifests.BASE_DIR.resolve("grafana/archive-service-dashboard.json");
    public static final Path PROMETHEUS_RULE_FILE = RenderedManifests.BASE_DIR.resolve("prometheusrule.yaml");

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

    private MonitoredMetrics() {
    }

    /** Metric names in one PromQL expression: identifiers that are not functions, keywords or label names. */
    public static Set<String> metricNames(String expr) {
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
    public static Set<String> metricNamesOfVariableQuery(String query) {
        Matcher labelValues = LABEL_VALUES.matcher(query);
        if (labelValues.matches()) {
            return metricNames(labelValues.group(1));
        }
        if (query.matches("^\\s*label_values\\(\\s*\\w+\\s*\\)\\s*$")) {
            return Set.of();
        }
        return metricNames(query);
    }

    /** Metrics that one Grafana dashboard (its JSON text) queries: panel expressions and query variables. */
    public static Set<String> dashboardMetrics(String dashboardJson) {
        Set<String> used = new TreeSet<>();
        try (JsonReader reader = Json.createReader(new StringReader(dashboardJson))) {
            JsonObject dashboard = reader.readObject();
            List<String> exprs = new ArrayList<>();
            collectStrings(dashboard.get("panels"), "expr", exprs);
            if (exprs.isEmpty()) {
                throw new AssertionError("dashboard without queries");
            }
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
        return used;
    }

    /**
     * The recording rules of these PrometheusRule documents: each recorded name with the metrics its expression
     * reads. A dashboard query of a recorded name needs those metrics from the service.
     */
    public static Map<String, Set<String>> recordedMetrics(List<Map<String, Object>> prometheusRules) {
        Map<String, Set<String>> recorded = new TreeMap<>();
        for (Map<String, Object> rule : prometheusRules) {
            for (Object group : RenderedManifests.list(rule, "spec", "groups")) {
                for (Object r : RenderedManifests.list(group, "rules")) {
                    Object record = RenderedManifests.at(r, "record");
                    if (record != null) {
                        recorded.put((String) record, metricNames((String) RenderedManifests.at(r, "expr")));
                    }
                }
            }
        }
        return recorded;
    }

    /** These metric names with every recorded name replaced by the metrics its recording rule reads. */
    public static Set<String> throughRecordingRules(Set<String> names, Map<String, Set<String>> recorded) {
        Set<String> resolved = new TreeSet<>();
        for (String name : names) {
            resolved.addAll(recorded.getOrDefault(name, Set.of(name)));
        }
        return resolved;
    }

    /** The {@code expr} of every rule (alerting and recording) of these PrometheusRule documents. */
    public static List<String> alertExpressions(List<Map<String, Object>> prometheusRules) {
        List<String> exprs = new ArrayList<>();
        for (Map<String, Object> rule : prometheusRules) {
            for (Object group : RenderedManifests.list(rule, "spec", "groups")) {
                for (Object r : RenderedManifests.list(group, "rules")) {
                    exprs.add((String) RenderedManifests.at(r, "expr"));
                }
            }
        }
        return exprs;
    }

    /**
     * Metrics the dashboard file queries (no kubectl needed), recorded names replaced by what their rules in the
     * PrometheusRule file read.
     */
    public static Set<String> dashboardFileMetrics() {
        return throughRecordingRules(dashboardMetrics(read(DASHBOARD_FILE)), recordedMetrics(prometheusRuleFile()));
    }

    /** Metrics the alerts of the PrometheusRule file query, {@link #NOT_FROM_THE_SERVICE} included. */
    public static Set<String> alertFileMetrics() {
        List<String> exprs = alertExpressions(prometheusRuleFile());
        if (exprs.isEmpty()) {
            throw new AssertionError("no alert expressions in " + PROMETHEUS_RULE_FILE);
        }
        Set<String> used = new TreeSet<>();
        exprs.forEach(e -> used.addAll(metricNames(e)));
        return used;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> prometheusRuleFile() {
        List<Map<String, Object>> docs = new ArrayList<>();
        for (Object doc : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(read(PROMETHEUS_RULE_FILE))) {
            if (doc instanceof Map<?, ?> map && "PrometheusRule".equals(map.get("kind"))) {
                docs.add((Map<String, Object>) map);
            }
        }
        return docs;
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

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
