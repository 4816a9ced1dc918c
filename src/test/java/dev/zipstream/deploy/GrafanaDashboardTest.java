package dev.zipstream.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

/** How {@link GrafanaDashboard} reads the shipped dashboard and substitutes variables as Grafana does. */
class GrafanaDashboardTest {

    private static final GrafanaDashboard.TimeRange LAST_HOUR =
            new GrafanaDashboard.TimeRange(Duration.ofHours(1), Duration.ofSeconds(30), 1000);

    @Test
    void timeVariablesFollowGrafanasRules() {
        // 3600 s / 1000 points is below the 30 s scrape interval: $__interval is the scrape interval.
        assertEquals(Duration.ofSeconds(30), LAST_HOUR.interval());
        assertEquals(Duration.ofSeconds(120), LAST_HOUR.rateInterval());
        // A 1 s scrape interval (the IT's): $__rate_interval is 4 scrapes.
        var test = new GrafanaDashboard.TimeRange(Duration.ofSeconds(40), Duration.ofSeconds(1), 1000);
        assertEquals(Duration.ofSeconds(1), test.interval());
        assertEquals(Duration.ofSeconds(4), test.rateInterval());
    }

    @Test
    void substitutesEveryVariableSyntax() {
        assertEquals("rate(a{namespace=~\"photos\", job=~\".*\"}[120s]) 3600s 30000",
                GrafanaDashboard.substitute("rate(a{namespace=~\"$namespace\", job=~\"${job}\"}[$__rate_interval]) "
                        + "$__range [[__interval_ms]]", Map.of("namespace", "photos", "job", ".*"), LAST_HOUR));
    }

    @Test
    void anUnknownVariableFails() {
        assertThrows(AssertionError.class, () -> GrafanaDashboard.substitute("a{pod=~\"$pod\"}", Map.of(), LAST_HOUR));
    }

    @Test
    void formatsValuesAsThePrometheusDataSource() {
        var variable = new GrafanaDashboard.Variable("namespace", "namespace", "archives_started_total", ".*");
        assertEquals("photos", GrafanaDashboard.format(variable, List.of("photos"), false));
        assertEquals("(a\\.b|c)", GrafanaDashboard.format(variable, List.of("a.b", "c"), false));
        assertEquals(".*", GrafanaDashboard.format(variable, List.of("photos"), true));
    }

    @Test
    void readsTheShippedDashboard() {
        GrafanaDashboard dashboard = GrafanaDashboard.shipped();
        assertEquals(List.of("namespace", "job"),
                dashboard.variables().stream().map(GrafanaDashboard.Variable::name).toList());
        assertEquals("archives_started_total{namespace=~\"$namespace\"}", dashboard.variables().get(1).match());
        Set<String> names = dashboard.targets().stream().map(GrafanaDashboard.Target::name).collect(Collectors.toSet());
        assertEquals(dashboard.targets().size(), names.size(), "panel title and legend name each target once");
    }
}
