package dev.zipstream.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.zipstream.deploy.MonitoredMetrics;

/**
 * The dashboard and the alerts against the real thing: after one download and one missing archive, every metric
 * that {@code k8s/base/grafana/archive-service-dashboard.json} and {@code k8s/base/prometheusrule.yaml} query has a sample in
 * the packaged service's {@code /q/metrics} (histogram {@code _bucket} series included), except {@code up} and
 * kube-state-metrics' series, which come from outside the service ({@link MonitoredMetrics#NOT_FROM_THE_SERVICE}).
 * So does every name of the contract {@link MonitoredMetrics#EXPORTED_METRICS}.
 */
class DashboardMetricsLiveIT {

    static final Path SAMPLES = Path.of("test_photos").toAbsolutePath();

    @TempDir
    Path work;

    @Test
    void everyQueriedMetricIsInTheLiveScrape() throws Exception {
        Set<String> dashboard = MonitoredMetrics.dashboardFileMetrics();
        Set<String> alerts = MonitoredMetrics.alertFileMetrics();
        assertTrue(dashboard.contains("archive_download_seconds_bucket"), "dashboard: " + dashboard);
        assertTrue(alerts.containsAll(Set.of("archives_failed_total", "up")), "alerts: " + alerts);

        try (ServiceProcess service = ServiceProcess.start(work, Map.of("FOLDER_PATH", SAMPLES.toString()))
                .awaitReady()) {
            var http = Tools.http();
            assertEquals(200, Tools.get(http, service.url("/archive/7kna/")).statusCode());
            assertEquals(404, Tools.get(http, service.url("/archive/no-such-folder/")).statusCode());
            String scrape = Tools.scrape(service);
            Set<String> live = Tools.seriesNames(scrape);

            Set<String> missingFromDashboard = missing(dashboard, live);
            Set<String> missingFromAlerts = missing(alerts, live);
            missingFromAlerts.removeAll(MonitoredMetrics.NOT_FROM_THE_SERVICE);
            Set<String> missingFromContract = missing(MonitoredMetrics.EXPORTED_METRICS, live);
            assertTrue(missingFromDashboard.isEmpty() && missingFromAlerts.isEmpty() && missingFromContract.isEmpty(),
                    "not in /q/metrics: dashboard " + missingFromDashboard + ", alerts " + missingFromAlerts
                            + ", EXPORTED_METRICS " + missingFromContract);
            for (String external : MonitoredMetrics.NOT_FROM_THE_SERVICE) {
                assertTrue(!live.contains(external), external + " is not the service's to export");
            }

            // The traffic above shows up in the series the panels and alerts read.
            assertEquals(1.0, Tools.value(scrape, "archives_started_total"));
            assertEquals(1.0, Tools.value(scrape, "archives_completed_total"));
            assertEquals(1.0, Tools.value(scrape, "archives_not_found_total"));
            assertEquals(1.0, Tools.value(scrape, "archive_download_seconds_count"));
            assertTrue(scrape.contains("uri=\"/archive/{hash}\""), "archive routes collapsed into /archive/{hash}");
            assertTrue(!scrape.contains("7kna") && !scrape.contains("no-such-folder"), "no folder name in /q/metrics");
        }
    }

    private static Set<String> missing(Set<String> wanted, Set<String> live) {
        Set<String> missing = new TreeSet<>(wanted);
        missing.removeAll(live);
        return missing;
    }
}
