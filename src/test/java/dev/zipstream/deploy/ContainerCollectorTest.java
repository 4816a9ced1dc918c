package dev.zipstream.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * The image's base ({@code ubi9/openjdk-17-runtime}) starts the JVM through {@code run-java.sh}, which picks the
 * collector from {@code GC_CONTAINER_OPTIONS} (default {@code -XX:+UseParallelGC}) and sizes the heap from four
 * more variables (defaults {@code MinHeapFreeRatio=10}, {@code MaxHeapFreeRatio=20}, {@code GCTimeRatio=4},
 * {@code AdaptiveSizePolicyWeight=90}). Under those defaults a folder of 65,536 files under load spent most of its
 * time in full collections (bench/README.md, fourteenth part), so the image sets G1 and G1's own values: the JVM
 * that the README runs and the benchmark measures.
 */
class ContainerCollectorTest {

    /** run-java.sh's variable for each flag it passes (java-default-options, image 1.20). */
    private static final Map<String, String> FLAG_OF_VARIABLE = Map.of(
            "GC_MIN_HEAP_FREE_RATIO", "MinHeapFreeRatio",
            "GC_MAX_HEAP_FREE_RATIO", "MaxHeapFreeRatio",
            "GC_TIME_RATIO", "GCTimeRatio",
            "GC_ADAPTIVE_SIZE_POLICY_WEIGHT", "AdaptiveSizePolicyWeight");

    /** A collector switched on or off: a second one beside GC_CONTAINER_OPTIONS' stops the JVM from starting. */
    private static final Pattern COLLECTOR =
            Pattern.compile("-XX:[+-]Use(Serial|Parallel|ParallelOld|G1|Z|Shenandoah|Epsilon|ConcMarkSweep)GC\\b");

    @Test
    void theImageRunsG1() {
        assertEquals("-XX:+UseG1GC", ImageEnvironment.variables().get("GC_CONTAINER_OPTIONS"));
    }

    @Test
    void theImageSizesTheHeapAsG1DoesByDefault() throws Exception {
        Map<String, String> image = ImageEnvironment.variables();
        Map<String, String> g1Defaults = jvmFlags("-XX:+UseG1GC");
        FLAG_OF_VARIABLE.forEach((variable, flag) -> {
            assertNotNull(g1Defaults.get(flag), "-XX:+PrintFlagsFinal lists no " + flag);
            assertEquals(g1Defaults.get(flag), image.get(variable),
                    variable + " (run-java.sh passes it as -XX:" + flag + ") should be G1's default");
        });
    }

    @Test
    void theJavaOptionsChooseNoCollectorOfTheirOwn() {
        String image = ImageEnvironment.variables().get("JAVA_OPTS_APPEND");
        assertNotNull(image, "the image sets JAVA_OPTS_APPEND");
        assertFalse(COLLECTOR.matcher(image).find(), image);
        for (Path kustomization : List.of(RenderedManifests.K8S_DIR, RenderedManifests.S3_OVERLAY_DIR)) {
            for (Map.Entry<String, String> variable : podEnvironment(kustomization).entrySet()) {
                String name = variable.getKey();
                // JAVA_OPTS, even empty, makes run-java.sh drop every option it computes, the collector too.
                assertFalse(name.equals("JAVA_OPTS") || name.startsWith("GC_"),
                        name + " in " + kustomization + " would override the image's collector settings");
                if (name.equals("JAVA_OPTS_APPEND")) {
                    assertFalse(COLLECTOR.matcher(variable.getValue()).find(), variable.getValue());
                }
            }
        }
    }

    /** What the rendered manifests give the pods: their ConfigMaps' data and the containers' own env. */
    private static Map<String, String> podEnvironment(Path kustomization) {
        Map<String, String> environment = new HashMap<>();
        List<Map<String, Object>> documents = RenderedManifests.documents(kustomization);
        for (Map<String, Object> document : documents) {
            if ("ConfigMap".equals(document.get("kind")) && document.get("data") != null) {
                RenderedManifests.map(document, "data").forEach((k, v) -> environment.put(k, String.valueOf(v)));
            }
            if ("Deployment".equals(document.get("kind"))) {
                for (Object container : RenderedManifests.list(document, "spec", "template", "spec", "containers")) {
                    Object env = ((Map<?, ?>) container).get("env");
                    for (Object variable : env == null ? List.of() : (List<?>) env) {
                        Map<?, ?> entry = (Map<?, ?>) variable;
                        environment.put(String.valueOf(entry.get("name")), String.valueOf(entry.get("value")));
                    }
                }
            }
        }
        assertTrue(environment.containsKey("JAVA_OPTS_APPEND"), kustomization + " sets JAVA_OPTS_APPEND");
        return environment;
    }

    /** The final values of the JVM's flags under these options, from the JDK running this test. */
    private static Map<String, String> jvmFlags(String... options) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of(options));
        command.add("-XX:+PrintFlagsFinal");
        command.add("-version");
        Path output = Files.createTempFile("flags", ".txt");
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
            // Options from the environment would change what the child reports, or stop it with a second collector.
            builder.environment().keySet().removeAll(List.of("JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS", "JDK_JAVA_OPTIONS"));
            Process process = builder.start();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("java -XX:+PrintFlagsFinal -version did not end within 30 s");
            }
            String printed = Files.readString(output, StandardCharsets.UTF_8);
            assertEquals(0, process.exitValue(), printed);
            Map<String, String> flags = new HashMap<>();
            Matcher line = Pattern.compile("(?m)^\\s*\\S+\\s+(\\w+)\\s+:?=\\s+(\\S+)").matcher(printed);
            while (line.find()) {
                flags.put(line.group(1), line.group(2));
            }
            return flags;
        } finally {
            Files.deleteIfExists(output);
        }
    }
}
