package dev.zipstream.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * The rule groups that {@code kubectl kustomize k8s/} ships in PrometheusRule resources, written as a plain
 * Prometheus rules file ({@code groups:} at the top), which is what {@code promtool} and a Prometheus without the
 * Operator read. The PrometheusRule manifests stay the only copy of the rules: this file is derived, under
 * {@code target/}, and the promtool unit tests in {@code k8s/tests/} load it from there.
 */
public final class PrometheusRules {

    /** Where the extracted rules go; {@code k8s/tests/*.test.yaml} name it relative to themselves. */
    public static final Path RULES_FILE = RenderedManifests.PROJECT_DIR.resolve(
            "target/prometheus/archive-service.rules.yaml");
    /** The promtool unit tests of the rules, one file per alert. */
    public static final Path TESTS_DIR = RenderedManifests.K8S_DIR.resolve("tests");

    private PrometheusRules() {
    }

    /** The groups of every rendered PrometheusRule, in manifest order. */
    static List<Object> groups() {
        List<Object> groups = new ArrayList<>();
        for (Map<String, Object> rule : RenderedManifests.ofKind("PrometheusRule")) {
            groups.addAll(RenderedManifests.list(rule, "spec", "groups"));
        }
        if (groups.isEmpty()) {
            throw new AssertionError("no rule groups in the PrometheusRules of kubectl kustomize k8s/");
        }
        return groups;
    }

    /** Every rule (alerting and recording) of every group, as parsed mappings. */
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> rules() {
        List<Map<String, Object>> rules = new ArrayList<>();
        for (Object group : groups()) {
            RenderedManifests.list(group, "rules").forEach(r -> rules.add((Map<String, Object>) r));
        }
        return rules;
    }

    /** Names of the alerting rules. */
    public static List<String> alertNames() {
        return rules().stream().filter(r -> r.containsKey("alert")).map(r -> (String) r.get("alert")).toList();
    }

    /** Names of the recording rules. */
    static List<String> recordNames() {
        return rules().stream().filter(r -> r.containsKey("record")).map(r -> (String) r.get("record")).toList();
    }

    /** Writes {@link #RULES_FILE} from the rendered manifests and returns its path. */
    public static synchronized Path extract() {
        Map<String, Object> file = new LinkedHashMap<>();
        file.put("groups", groups());
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        options.setWidth(120);
        String text = "# Generated from the PrometheusRules of kubectl kustomize k8s/ by "
                + PrometheusRules.class.getName() + ": edit those, not this.\n" + new Yaml(options).dump(file);
        try {
            Files.createDirectories(RULES_FILE.getParent());
            Files.writeString(RULES_FILE, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return RULES_FILE;
    }
}
