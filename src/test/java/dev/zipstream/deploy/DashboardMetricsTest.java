package dev.zipstream.deploy;

import static dev.zipstream.deploy.MonitoredMetrics.EXPORTED_METRICS;
import static dev.zipstream.deploy.MonitoredMetrics.NOT_FROM_THE_SERVICE;
import static dev.zipstream.deploy.MonitoredMetrics.metricNames;
import static dev.zipstream.deploy.MonitoredMetrics.metricNamesOfVariableQuery;
import static dev.zipstream.deploy.RenderedManifests.at;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every metric that the Grafana dashboard and the alerts query (directly or through a recording rule) must be one
 * the service exports, so that a renamed meter cannot leave an empty panel or an alert that never fires. The names
 * and the PromQL extraction are in {@link MonitoredMetrics}; DashboardMetricsLiveIT checks them against a running
 * service's /q/metrics, DashboardPrometheusIT the whole expressions against a real Prometheus.
 */
class DashboardMetricsTest {

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
                "http_server_requests_seconds_count", "http_server_requests_seconds_bucket",
                "archive_index_pending_files", "archive_crc_bytes_read_total", "archive_index_errors_total")) {
            assertTrue(used.contains(metric), "no panel queries " + metric);
        }
    }

    @Test
    void alertsQueryOnlyExportedMetrics() {
        List<String> exprs = alertExpressions();
        assertTrue(exprs.size() >= 5, "rule expressions: " + exprs);
        Set<String> used = new TreeSet<>();
        exprs.forEach(e -> used.addAll(metricNames(e)));
        Set<String> allowed = new TreeSet<>(EXPORTED_METRICS);
        allowed.addAll(NOT_FROM_THE_SERVICE);
        assertTrue(allowed.containsAll(used), "not exported: " + difference(used, allowed));
        for (String metric : List.of("archives_failed_total", "archives_started_total", "archives_rejected_total",
                "archives_not_found_total", "archive_index_pending_files", "up")) {
            assertTrue(used.contains(metric), "no alert queries " + metric);
        }
    }

    /** DashboardMetricsLiveIT reads the two files directly; they must give what kustomize ships. */
    @Test
    void theFilesGiveTheSameNamesAsTheRenderedManifests() {
        assertEquals(dashboardMetrics(), MonitoredMetrics.dashboardFileMetrics());
        Set<String> rendered = new TreeSet<>();
        alertExpressions().forEach(e -> rendered.addAll(metricNames(e)));
        assertEquals(rendered, MonitoredMetrics.alertFileMetrics());
    }

    @Test
    void recordedNamesStandForWhatTheirRulesRead() {
        Map<String, Set<String>> recorded = MonitoredMetrics.recordedMetrics(RenderedManifests.ofKind("PrometheusRule"));
        assertEquals(Set.of("archive_download_seconds_bucket"),
                recorded.get("namespace_job_le:archive_download_seconds_bucket:rate5m"));
        assertEquals(Set.of("archive_download_seconds_bucket", "up"), MonitoredMetrics.throughRecordingRules(
                Set.of("namespace_job_le:archive_download_seconds_bucket:rate5m", "up"), recorded));
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
                used.addAll(MonitoredMetrics.dashboardMetrics((String) json));
            }
        }
        assertEquals(1, dashboards, "dashboards in kubectl kustomize k8s/");
        return MonitoredMetrics.throughRecordingRules(used,
                MonitoredMetrics.recordedMetrics(RenderedManifests.ofKind("PrometheusRule")));
    }

    private static List<String> alertExpressions() {
        return MonitoredMetrics.alertExpressions(RenderedManifests.ofKind("PrometheusRule"));
    }

    private static Set<String> difference(Set<String> a, Set<String> b) {
        Set<String> d = new TreeSet<>(a);
        d.removeAll(b);
        return d;
    }
}
