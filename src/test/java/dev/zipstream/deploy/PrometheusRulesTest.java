package dev.zipstream.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The alerting rules as Prometheus itself sees them (issue 11): the groups of every PrometheusRule that kustomize
 * ships are extracted ({@link PrometheusRules}), pass {@code promtool check rules}, and pass the unit tests of
 * {@code k8s/tests/*.test.yaml} ({@code promtool test rules}). Every alert must have a case in which it fires and one
 * in which it stays silent, so an alert added without tests fails the build; so does a recording rule that no
 * {@code promql_expr_test} evaluates.
 */
class PrometheusRulesTest {

    private static Path rulesFile;

    @BeforeAll
    static void extract() {
        rulesFile = PrometheusRules.extract();
    }

    @Test
    void rulesPassPromtoolCheck() throws Exception {
        Promtool.Result check = Promtool.run("check", "rules", "--lint=all", "--lint-fatal", rulesFile.toString());
        assertEquals(0, check.exitCode(), "promtool check rules " + rulesFile + ":\n" + check.output());
        assertTrue(check.output().contains("SUCCESS: " + PrometheusRules.rules().size() + " rules found"),
                check.output());
    }

    @Test
    void rulesPassTheirUnitTests() throws Exception {
        List<String> args = new ArrayList<>(List.of("test", "rules"));
        testFiles().forEach(f -> args.add(RenderedManifests.PROJECT_DIR.relativize(f).toString()));
        Promtool.Result test = Promtool.run(args.toArray(String[]::new));
        assertEquals(0, test.exitCode(), "promtool " + String.join(" ", args) + ":\n" + test.output());
        assertFalse(test.output().contains("FAILED"), test.output());
    }

    @Test
    void everyAlertHasACaseWhereItFiresAndOneWhereItStaysSilent() throws IOException {
        Map<String, Set<String>> cases = new TreeMap<>();
        for (Path file : testFiles()) {
            for (Object test : RenderedManifests.list(load(file), "tests")) {
                Object alertTests = RenderedManifests.at(test, "alert_rule_test");
                for (Object alertTest : alertTests == null ? List.of() : (List<?>) alertTests) {
                    String alert = (String) RenderedManifests.at(alertTest, "alertname");
                    Object expected = RenderedManifests.at(alertTest, "exp_alerts");
                    boolean fires = expected instanceof List<?> l && !l.isEmpty();
                    cases.computeIfAbsent(alert, a -> new TreeSet<>()).add(fires ? "fires" : "silent");
                }
            }
        }
        Set<String> alerts = new TreeSet<>(PrometheusRules.alertNames());
        assertFalse(alerts.isEmpty(), "no alerts in the rules");
        for (String alert : alerts) {
            assertEquals(Set.of("fires", "silent"), cases.getOrDefault(alert, Set.of()),
                    alert + ": needs an alert_rule_test where it fires and one where it stays silent, in "
                            + PrometheusRules.TESTS_DIR.resolve(alert + ".test.yaml"));
        }
        Set<String> unknown = new TreeSet<>(cases.keySet());
        unknown.removeAll(alerts);
        assertTrue(unknown.isEmpty(), "tests of alerts that the rules do not have: " + unknown);
    }

    @Test
    void everyRecordingRuleIsEvaluatedByATest() throws IOException {
        StringBuilder testedExprs = new StringBuilder();
        for (Path file : testFiles()) {
            for (Object test : RenderedManifests.list(load(file), "tests")) {
                Object exprTests = RenderedManifests.at(test, "promql_expr_test");
                for (Object exprTest : exprTests == null ? List.of() : (List<?>) exprTests) {
                    testedExprs.append(RenderedManifests.at(exprTest, "expr")).append('\n');
                }
            }
        }
        for (String record : PrometheusRules.recordNames()) {
            assertTrue(MonitoredMetrics.metricNames(testedExprs.toString()).contains(record),
                    "no promql_expr_test in " + PrometheusRules.TESTS_DIR + " evaluates the recording rule " + record);
        }
    }

    /** A test file that loads another rules file (or none) would test nothing of ours, and pass. */
    @Test
    void everyTestFileLoadsTheExtractedRules() throws IOException {
        for (Path file : testFiles()) {
            List<Object> ruleFiles = RenderedManifests.list(load(file), "rule_files");
            assertEquals(1, ruleFiles.size(), file + ": rule_files");
            assertEquals(rulesFile.normalize(), file.getParent().resolve((String) ruleFiles.get(0)).normalize(),
                    file + ": rule_files must name the extracted rules");
        }
    }

    private static List<Path> testFiles() throws IOException {
        try (Stream<Path> files = Files.list(PrometheusRules.TESTS_DIR)) {
            List<Path> tests = files.filter(f -> f.getFileName().toString().endsWith(".test.yaml")).sorted().toList();
            assertFalse(tests.isEmpty(), "no *.test.yaml in " + PrometheusRules.TESTS_DIR);
            return tests;
        }
    }

    private static Map<?, ?> load(Path file) throws IOException {
        Object doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(file, StandardCharsets.UTF_8));
        if (!(doc instanceof Map<?, ?> map)) {
            throw new AssertionError(file + " is not a promtool test file");
        }
        return map;
    }
}
