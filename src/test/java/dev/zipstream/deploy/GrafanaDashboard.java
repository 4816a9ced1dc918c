package dev.zipstream.deploy;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

/**
 * The queries of a Grafana dashboard as Grafana sends them to Prometheus: every target of every panel, and the
 * query variables, with {@code $namespace}, {@code $__rate_interval} and the like substituted the way Grafana's
 * Prometheus data source does. Used by {@code dev.zipstream.it.DashboardPrometheusIT}, which runs them against a
 * real Prometheus.
 */
public final class GrafanaDashboard {

    /** {@code $name}, {@code ${name}}, {@code ${name:format}} or {@code [[name]]}. */
    private static final Pattern VARIABLE = Pattern.compile("\\$(\\w+)|\\$\\{(\\w+)(?::\\w+)?}|\\[\\[(\\w+)]]");
    private static final Pattern LABEL_VALUES = Pattern.compile("^\\s*label_values\\((?:(.*),)?\\s*(\\w+)\\s*\\)\\s*$");
    /** Characters Grafana escapes in a value of a multi-value or include-all variable (it becomes a regex). */
    private static final Pattern REGEX_SPECIAL = Pattern.compile("[\\\\^$*+?.()|{}\\[\\]]");

    /** One panel target: where it is (panel title and legend) and its PromQL as written. */
    public record Target(String panel, String legend, String refId, String expr) {

        /** How the tests name it: "Downloads per second: completed". */
        public String name() {
            return panel + ": " + legend;
        }
    }

    /** A query variable: its name, the label it lists, the series selector (may be empty), and its All value. */
    public record Variable(String name, String label, String match, String allValue) {
    }

    /** Grafana's time variables for a time range and a data source scrape interval ("Scrape interval" setting). */
    public record TimeRange(Duration range, Duration scrapeInterval, int maxDataPoints) {

        /**
         * {@code $__interval}: the range divided into maxDataPoints steps, never below the scrape interval.
         * (Grafana then rounds a longer one to a "nice" interval, 20 s rather than 21.6 s; this rounds up to whole
         * seconds, which is the same for the ranges where the scrape interval is the floor, as in the tests.)
         */
        public Duration interval() {
            long millis = Math.max(scrapeInterval.toMillis(), range.toMillis() / maxDataPoints);
            return Duration.ofSeconds(Math.max(1, (millis + 999) / 1000));
        }

        /** {@code $__rate_interval} = max($__interval + scrape interval, 4 * scrape interval), as Grafana defines it. */
        public Duration rateInterval() {
            Duration a = interval().plus(scrapeInterval);
            Duration b = scrapeInterval.multipliedBy(4);
            return a.compareTo(b) >= 0 ? a : b;
        }

        Map<String, String> variables() {
            Map<String, String> v = new LinkedHashMap<>();
            v.put("__rate_interval", rateInterval().toSeconds() + "s");
            v.put("__interval", interval().toSeconds() + "s");
            v.put("__interval_ms", String.valueOf(interval().toMillis()));
            v.put("__range", range.toSeconds() + "s");
            v.put("__range_s", String.valueOf(range.toSeconds()));
            v.put("__range_ms", String.valueOf(range.toMillis()));
            return v;
        }
    }

    private final JsonObject dashboard;

    private GrafanaDashboard(JsonObject dashboard) {
        this.dashboard = dashboard;
    }

    public static GrafanaDashboard read(Path file) {
        try (JsonReader reader = Json.createReader(new StringReader(Files.readString(file, StandardCharsets.UTF_8)))) {
            return new GrafanaDashboard(reader.readObject());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The dashboard that {@code k8s/} ships. */
    public static GrafanaDashboard shipped() {
        return read(MonitoredMetrics.DASHBOARD_FILE);
    }

    /** Every target of every panel (rows' nested panels included), in dashboard order. */
    public List<Target> targets() {
        List<Target> targets = new ArrayList<>();
        collectTargets(dashboard.getJsonArray("panels"), targets);
        return targets;
    }

    /** The query variables in dashboard order (later ones may use earlier ones); the data source variable is skipped. */
    public List<Variable> variables() {
        List<Variable> variables = new ArrayList<>();
        for (JsonValue value : dashboard.getJsonObject("templating").getJsonArray("list")) {
            JsonObject variable = value.asJsonObject();
            String type = variable.getString("type");
            if ("datasource".equals(type)) {
                continue;
            }
            if (!"query".equals(type)) {
                throw new AssertionError("variable " + variable.getString("name") + " of type " + type
                        + ": only query variables are supported by this test");
            }
            JsonValue query = variable.get("query");
            String text = query instanceof JsonObject o ? o.getString("query") : ((JsonString) query).getString();
            Matcher m = LABEL_VALUES.matcher(text);
            if (!m.matches()) {
                throw new AssertionError("variable " + variable.getString("name") + ": not label_values(...): " + text);
            }
            variables.add(new Variable(variable.getString("name"), m.group(2), m.group(1) == null ? "" : m.group(1).strip(),
                    variable.getBoolean("includeAll", false) ? variable.getString("allValue", null) : null));
        }
        return variables;
    }

    /**
     * A variable's value as the Prometheus data source puts it in PromQL: one value regex-escaped, several as
     * {@code (a|b)}, All as the variable's allValue, unescaped.
     */
    public static String format(Variable variable, List<String> selected, boolean all) {
        if (all) {
            if (variable.allValue() == null) {
                throw new AssertionError(variable.name() + " has no All value");
            }
            return variable.allValue();
        }
        List<String> escaped = selected.stream().map(s -> REGEX_SPECIAL.matcher(s).replaceAll("\\\\$0")).toList();
        return escaped.size() == 1 ? escaped.get(0) : "(" + String.join("|", escaped) + ")";
    }

    /**
     * The text with every variable replaced: the dashboard's own (already formatted, see {@link #format}) and
     * Grafana's time variables. A variable the test does not know fails, so that a dashboard change cannot slip
     * an unevaluated query past it.
     */
    public static String substitute(String text, Map<String, String> values, TimeRange time) {
        Map<String, String> all = new LinkedHashMap<>(time.variables());
        all.putAll(values);
        Matcher m = VARIABLE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3);
            String value = all.get(name);
            if (value == null) {
                throw new AssertionError("unknown variable $" + name + " in " + text);
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static void collectTargets(JsonValue panels, List<Target> out) {
        if (panels == null) {
            return;
        }
        for (JsonValue value : panels.asJsonArray()) {
            JsonObject panel = value.asJsonObject();
            collectTargets(panel.get("panels"), out);
            if (!panel.containsKey("targets")) {
                continue;
            }
            for (JsonValue t : panel.getJsonArray("targets")) {
                JsonObject target = t.asJsonObject();
                out.add(new Target(panel.getString("title"), target.getString("legendFormat", ""),
                        target.getString("refId"), target.getString("expr")));
            }
        }
    }
}
