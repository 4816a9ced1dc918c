package dev.zipstream.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
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

    @Test
    void theImageRunsG1() {
        assertEquals("-XX:+UseG1GC", ImageEnvironment.variables().get("GC_CONTAINER_OPTIONS"));
    }

    @Test
    void theImageSizesTheHeapAsG1DoesByDefault() throws Exception {
        Map<String, String> image = ImageEnvironment.variables();
        Map<String, String> g1Defaults = jvmFlags("-XX:+UseG1GC");
        FLAG_OF_VARIABLE.forEach((variable, flag) -> assertEquals(g1Defaults.get(flag), image.get(variable),
                variable + " (run-java.sh passes it as -XX:" + flag + ") should be G1's default"));
    }

    @Test
    void theJavaOptionsChooseNoCollectorOfTheirOwn() {
        // A second -XX:+Use...GC beside GC_CONTAINER_OPTIONS' stops the JVM from starting.
        Pattern collector = Pattern.compile("-XX:\\+Use\\w*GC\\b");
        String image = ImageEnvironment.variables().get("JAVA_OPTS_APPEND");
        String configMap = (String) RenderedManifests.map(
                RenderedManifests.find("ConfigMap", "archive-service-config"), "data").get("JAVA_OPTS_APPEND");
        assertTrue(image != null && configMap != null, "both set JAVA_OPTS_APPEND");
        assertFalse(collector.matcher(image).find(), image);
        assertFalse(collector.matcher(configMap).find(), configMap);
    }

    /** The final values of the JVM's flags under these options, from the JVM running this test. */
    private static Map<String, String> jvmFlags(String... options) throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElse("java");
        String[] command = new String[options.length + 3];
        command[0] = java;
        System.arraycopy(options, 0, command, 1, options.length);
        command[options.length + 1] = "-XX:+PrintFlagsFinal";
        command[options.length + 2] = "-version";
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0, output);
        Map<String, String> flags = new HashMap<>();
        Matcher line = Pattern.compile("(?m)^\\s*\\S+\\s+(\\w+)\\s+:?=\\s+(\\S+)").matcher(output);
        while (line.find()) {
            flags.put(line.group(1), line.group(2));
        }
        return flags;
    }
}
