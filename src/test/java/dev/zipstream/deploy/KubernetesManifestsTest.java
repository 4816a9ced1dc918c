package dev.zipstream.deploy;

import static dev.zipstream.deploy.RenderedManifests.at;
import static dev.zipstream.deploy.RenderedManifests.find;
import static dev.zipstream.deploy.RenderedManifests.list;
import static dev.zipstream.deploy.RenderedManifests.map;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

/**
 * Checks the output of {@code kubectl kustomize k8s/} against what the service needs to run on Kubernetes
 * (issue 5). Plain JUnit: it reads the manifests, it does not start the application.
 */
class KubernetesManifestsTest {

    private static final String APP = "archive-service";
    private static final String CONFIG = "archive-service-config";
    private static final String DASHBOARD = "archive-service-dashboard";

    @Test
    void everyResourceIsRendered() {
        Set<String> rendered = RenderedManifests.documents().stream()
                .map(d -> d.get("apiVersion") + " " + d.get("kind") + "/" + at(d, "metadata", "name"))
                .collect(Collectors.toSet());
        assertEquals(Set.of(
                "v1 ConfigMap/" + CONFIG,
                "v1 ConfigMap/" + DASHBOARD,
                "apps/v1 Deployment/" + APP,
                "v1 Service/" + APP,
                "autoscaling/v2 HorizontalPodAutoscaler/" + APP,
                "policy/v1 PodDisruptionBudget/" + APP,
                "v1 PersistentVolumeClaim/archive-photos",
                "v1 PersistentVolumeClaim/archive-crc-index",
                "networking.k8s.io/v1 Ingress/" + APP,
                "monitoring.coreos.com/v1 ServiceMonitor/" + APP,
                "monitoring.coreos.com/v1 PrometheusRule/" + APP), rendered);
    }

    @Test
    void configMapHoldsTheSettings() {
        Map<String, Object> data = config();
        assertEquals("/photos", data.get("FOLDER_PATH"));
        assertEquals("0", data.get("RESPONSE_DELAY"));
        assertEquals("false", data.get("DEBUG_MODE"));
        assertEquals("0", data.get("MAX_CONCURRENT_DOWNLOADS"));
        assertEquals("200000", data.get("CRC_CACHE_ENTRIES"));
        assertEquals("/index", data.get("CRC_INDEX_DIR"));
        assertEquals("10m", data.get("INDEX_SCAN_INTERVAL"));
        assertEquals("store", data.get("COMPRESSION"));
        assertEquals("30", data.get("NOT_FOUND_LIMIT"));
        assertEquals("10.0.0.0/8", data.get("TRUSTED_PROXIES"), "the ingress controller's pods are the peers");
        assertEquals("120s", data.get("QUARKUS_SHUTDOWN_TIMEOUT"));
        assertEquals("true", data.get("QUARKUS_LOG_CONSOLE_JSON_ENABLED"));
        String javaOpts = (String) data.get("JAVA_OPTS_APPEND");
        // It replaces the image's JAVA_OPTS_APPEND, so it must carry every one of the image's options too.
        for (String option : imageJavaOptsAppend()) {
            assertTrue(javaOpts.contains(option), option + " is missing from " + javaOpts);
        }
        assertTrue(javaOpts.contains("-Dquarkus.http.host=0.0.0.0"), javaOpts);
        assertTrue(javaOpts.contains("-XX:TieredStopAtLevel=1"), "the JIT setting the README recommends");
        assertTrue(javaOpts.contains("-XX:CompileThresholdScaling=0.1"), "C1 compiling early, as the README recommends");
        assertTrue(javaOpts.contains("--add-opens=java.base/sun.nio.fs=ALL-UNNAMED"),
                "file facts without the attribute map, as the README recommends");
        assertTrue(javaOpts.contains("-XX:MaxRAMPercentage="), javaOpts);
        assertTrue(javaOpts.contains("-XX:MaxDirectMemorySize="), javaOpts);
    }

    /** The options of {@code ENV JAVA_OPTS_APPEND} in the image's Dockerfile. */
    private static List<String> imageJavaOptsAppend() {
        String options = ImageEnvironment.variables().get("JAVA_OPTS_APPEND");
        assertNotNull(options, "the Dockerfile sets JAVA_OPTS_APPEND");
        return List.of(options.trim().split("\\s+"));
    }

    @Test
    void deploymentRunsTwoReplicasOfTheImageWithTheConfigMap() {
        Map<String, Object> deployment = deployment();
        assertEquals(2, at(deployment, "spec", "replicas"));
        Map<String, Object> container = container();
        assertEquals("archive-service:1.0.0", container.get("image"));
        assertEquals(Map.of("name", "http", "containerPort", 8080, "protocol", "TCP"), at(container, "ports", 0));
        assertEquals(List.of(Map.of("configMapRef", Map.of("name", CONFIG))), container.get("envFrom"));
        assertEquals(0, at(deployment, "spec", "strategy", "rollingUpdate", "maxUnavailable"));
    }

    @Test
    void probesUseTheQuarkusHealthEndpoints() {
        Map<String, Object> container = container();
        assertProbe(container, "startupProbe", "/q/health/started");
        assertProbe(container, "livenessProbe", "/q/health/live");
        assertProbe(container, "readinessProbe", "/q/health/ready");
    }

    @Test
    void resourcesHaveRequestsAndLimitsAndTheJvmFitsTheLimit() {
        Map<String, Object> resources = map(container(), "resources");
        for (String resource : List.of("cpu", "memory")) {
            String request = (String) at(resources, "requests", resource);
            String limit = (String) at(resources, "limits", resource);
            assertNotNull(request, resource + " request");
            assertNotNull(limit, resource + " limit");
            assertTrue(quantity(request).compareTo(quantity(limit)) <= 0, resource + " request above its limit");
        }
        long limitBytes = quantity((String) at(resources, "limits", "memory")).longValueExact();
        String javaOpts = (String) config().get("JAVA_OPTS_APPEND");
        long heap = limitBytes * Long.parseLong(jvmOption(javaOpts, "-XX:MaxRAMPercentage=(\\d+)")) / 100;
        long direct = jvmSize(jvmOption(javaOpts, "-XX:MaxDirectMemorySize=(\\d+[kKmMgG]?)"));
        // Metaspace, code cache, thread stacks and GC structures need room besides heap and direct buffers.
        long nonHeapAllowance = 128L << 20;
        assertTrue(heap + direct + nonHeapAllowance <= limitBytes, "heap " + heap + " + direct " + direct
                + " + 128Mi for the rest exceed the memory limit " + limitBytes);
    }

    @Test
    void podRunsAsNonRootOnAReadOnlyRootFilesystem() {
        Map<String, Object> pod = podSpec();
        Map<String, Object> security = map(container(), "securityContext");
        assertEquals(true, security.getOrDefault("runAsNonRoot", at(pod, "securityContext", "runAsNonRoot")));
        assertEquals(185, security.getOrDefault("runAsUser", at(pod, "securityContext", "runAsUser")));
        assertEquals(true, security.get("readOnlyRootFilesystem"));
        assertEquals(false, security.get("allowPrivilegeEscalation"));
        assertEquals(List.of("ALL"), at(security, "capabilities", "drop"));
    }

    @Test
    void tmpIsAnEmptyDir() {
        Map<String, Object> mount = mountAt("/tmp");
        assertNotNull(at(volume((String) mount.get("name")), "emptyDir"), "/tmp must be an emptyDir");
    }

    @Test
    void photosVolumeIsMountedReadOnlyAtFolderPath() {
        Map<String, Object> mount = mountAt((String) config().get("FOLDER_PATH"));
        assertEquals(true, mount.get("readOnly"), "photos volumeMount readOnly");
        Map<String, Object> volume = volume((String) mount.get("name"));
        assertEquals("archive-photos", at(volume, "persistentVolumeClaim", "claimName"));
        assertEquals(true, at(volume, "persistentVolumeClaim", "readOnly"), "photos claim readOnly");
    }

    /** The one volume the service writes: the shared CRC index, read-write in every pod, on a ReadWriteMany claim. */
    @Test
    void crcIndexVolumeIsMountedReadWriteAtCrcIndexDir() {
        Map<String, Object> mount = mountAt((String) config().get("CRC_INDEX_DIR"));
        assertTrue(!Boolean.TRUE.equals(mount.get("readOnly")), "index volumeMount must be writable");
        Map<String, Object> volume = volume((String) mount.get("name"));
        assertEquals("archive-crc-index", at(volume, "persistentVolumeClaim", "claimName"));
        assertTrue(!Boolean.TRUE.equals(at(volume, "persistentVolumeClaim", "readOnly")), "index claim writable");
        Map<String, Object> pvc = find("PersistentVolumeClaim", "archive-crc-index");
        assertEquals(List.of("ReadWriteMany"), at(pvc, "spec", "accessModes"), "shared by every replica");
        assertTrue(quantity((String) at(pvc, "spec", "resources", "requests", "storage"))
                .compareTo(quantity("10Gi")) <= 0, "a small claim: about 100 bytes per photo");
    }

    @Test
    void gracePeriodOutlastsTheShutdownTimeout() {
        Duration shutdownTimeout = quarkusDuration((String) config().get("QUARKUS_SHUTDOWN_TIMEOUT"));
        int grace = (Integer) at(podSpec(), "terminationGracePeriodSeconds");
        assertTrue(grace > shutdownTimeout.toSeconds(),
                "terminationGracePeriodSeconds " + grace + " must exceed QUARKUS_SHUTDOWN_TIMEOUT " + shutdownTimeout);
    }

    @Test
    void autoscalerKeepsAtLeastTwoReplicasAndScalesOnCpu() {
        Map<String, Object> hpa = find("HorizontalPodAutoscaler", APP);
        assertEquals(Map.of("apiVersion", "apps/v1", "kind", "Deployment", "name", APP),
                at(hpa, "spec", "scaleTargetRef"));
        int min = (Integer) at(hpa, "spec", "minReplicas");
        int max = (Integer) at(hpa, "spec", "maxReplicas");
        assertTrue(min >= 2, "minReplicas " + min);
        assertTrue(max > min, "maxReplicas " + max);
        assertEquals("cpu", at(hpa, "spec", "metrics", 0, "resource", "name"));
        assertEquals("Utilization", at(hpa, "spec", "metrics", 0, "resource", "target", "type"));
    }

    @Test
    void serviceExposesPortHttpOnPodsOfTheDeployment() {
        Map<String, Object> service = find("Service", APP);
        assertEquals("ClusterIP", at(service, "spec", "type"));
        assertEquals(Map.of("name", "http", "port", 80, "targetPort", "http", "protocol", "TCP"),
                at(service, "spec", "ports", 0));
        assertSelectsPods(map(service, "spec", "selector"));
    }

    @Test
    void photosClaimIsReadWriteMany() {
        Map<String, Object> pvc = find("PersistentVolumeClaim", "archive-photos");
        assertEquals(List.of("ReadWriteMany"), at(pvc, "spec", "accessModes"));
        assertNotNull(at(pvc, "spec", "resources", "requests", "storage"));
    }

    @Test
    void ingressStreamsUnbufferedToTheService() {
        Map<String, Object> ingress = find("Ingress", APP);
        Map<String, Object> annotations = map(ingress, "metadata", "annotations");
        String prefix = "nginx.ingress.kubernetes.io/";
        assertEquals("off", annotations.get(prefix + "proxy-buffering"));
        assertEquals("off", annotations.get(prefix + "proxy-request-buffering"));
        assertEquals("3600", annotations.get(prefix + "proxy-read-timeout"));
        assertEquals("3600", annotations.get(prefix + "proxy-send-timeout"));
        assertNotNull(annotations.get(prefix + "proxy-body-size"));

        List<Object> paths = list(ingress, "spec", "rules", 0, "http", "paths");
        assertEquals(List.of("/archive/", "/"), paths.stream().map(p -> at(p, "path")).toList());
        assertEquals(List.of("Prefix", "Exact"), paths.stream().map(p -> at(p, "pathType")).toList(),
                "archives by prefix, the index page exactly: /q/metrics and /q/health are not published");
        for (Object path : paths) {
            assertEquals(Map.of("name", APP, "port", Map.of("name", "http")), at(path, "backend", "service"));
        }
    }

    @Test
    void disruptionBudgetKeepsOnePod() {
        Map<String, Object> pdb = find("PodDisruptionBudget", APP);
        assertEquals(1, at(pdb, "spec", "minAvailable"));
        assertSelectsPods(map(pdb, "spec", "selector", "matchLabels"));
    }

    @Test
    void serviceMonitorScrapesQuarkusMetricsOnPortHttp() {
        Map<String, Object> monitor = find("ServiceMonitor", APP);
        assertEquals("http", at(monitor, "spec", "endpoints", 0, "port"));
        assertEquals("/q/metrics", at(monitor, "spec", "endpoints", 0, "path"));
        Map<String, Object> serviceLabels = map(find("Service", APP), "metadata", "labels");
        assertTrue(serviceLabels.entrySet().containsAll(map(monitor, "spec", "selector", "matchLabels").entrySet()),
                "ServiceMonitor selector must match the Service's labels");
    }

    @Test
    void prometheusRuleHasTheFiveAlerts() {
        Set<String> alerts = list(find("PrometheusRule", APP), "spec", "groups").stream()
                .flatMap(g -> list(g, "rules").stream())
                .filter(r -> at(r, "alert") != null)
                .map(r -> (String) at(r, "alert"))
                .collect(Collectors.toSet());
        assertEquals(Set.of("ArchiveServiceHighFailureRate", "ArchiveServiceNoReadyPods", "ArchiveServiceSaturated",
                "ArchiveServiceNotFoundBurst", "ArchiveServiceIndexBacklogStuck"), alerts);
    }

    @Test
    void dashboardConfigMapWrapsTheJsonFileForTheGrafanaSidecar() throws IOException {
        Map<String, Object> configMap = find("ConfigMap", DASHBOARD);
        assertEquals("1", at(configMap, "metadata", "labels", "grafana_dashboard"));
        String json = Files.readString(RenderedManifests.BASE_DIR.resolve("grafana/archive-service-dashboard.json"));
        assertEquals(Map.of("archive-service-dashboard.json", json), configMap.get("data"));
    }

    // ---------------------------------------------------------------- helpers

    private static Map<String, Object> config() {
        return map(find("ConfigMap", CONFIG), "data");
    }

    private static Map<String, Object> deployment() {
        return find("Deployment", APP);
    }

    private static Map<String, Object> podSpec() {
        return map(deployment(), "spec", "template", "spec");
    }

    private static Map<String, Object> container() {
        List<Object> containers = list(podSpec(), "containers");
        assertEquals(1, containers.size(), "one container");
        return map(containers, 0);
    }

    private static Map<String, Object> mountAt(String path) {
        return list(container(), "volumeMounts").stream()
                .filter(m -> path.equals(at(m, "mountPath")))
                .map(m -> map(m))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no volumeMount at " + path));
    }

    private static Map<String, Object> volume(String name) {
        return list(podSpec(), "volumes").stream()
                .filter(v -> name.equals(at(v, "name")))
                .map(v -> map(v))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no volume named " + name));
    }

    private static void assertProbe(Map<String, Object> container, String probe, String path) {
        assertEquals(path, at(container, probe, "httpGet", "path"), probe);
        assertEquals("http", at(container, probe, "httpGet", "port"), probe);
    }

    private static void assertSelectsPods(Map<String, Object> selector) {
        Map<String, Object> podLabels = map(deployment(), "spec", "template", "metadata", "labels");
        assertTrue(!selector.isEmpty() && podLabels.entrySet().containsAll(selector.entrySet()),
                "selector " + selector + " must match the pod labels " + podLabels);
    }

    /** A Kubernetes quantity ("500m", "2", "384Mi") as a number of cores or bytes. */
    private static BigDecimal quantity(String value) {
        Matcher m = Pattern.compile("(\\d+(?:\\.\\d+)?)(m|k|M|G|T|Ki|Mi|Gi|Ti)?").matcher(value);
        assertTrue(m.matches(), "unsupported quantity " + value);
        BigDecimal number = new BigDecimal(m.group(1));
        String suffix = m.group(2) == null ? "" : m.group(2);
        return switch (suffix) {
            case "" -> number;
            case "m" -> number.movePointLeft(3);
            case "k" -> number.movePointRight(3);
            case "M" -> number.movePointRight(6);
            case "G" -> number.movePointRight(9);
            case "T" -> number.movePointRight(12);
            default -> number.multiply(BigDecimal.valueOf(1L << (10 * ("KMGT".indexOf(suffix.charAt(0)) + 1))));
        };
    }

    private static String jvmOption(String javaOpts, String regex) {
        Matcher m = Pattern.compile(regex).matcher(javaOpts);
        assertTrue(m.find(), "JAVA_OPTS_APPEND has no " + regex);
        return m.group(1);
    }

    /** A JVM size ("64m", "1g", "65536") in bytes. */
    private static long jvmSize(String value) {
        char unit = Character.toLowerCase(value.charAt(value.length() - 1));
        int shift = switch (unit) {
            case 'k' -> 10;
            case 'm' -> 20;
            case 'g' -> 30;
            default -> 0;
        };
        String digits = shift == 0 ? value : value.substring(0, value.length() - 1);
        return Long.parseLong(digits) << shift;
    }

    /** A Quarkus duration: a number with a unit ("120s", "500ms", "2m") or ISO-8601 ("PT2M"). */
    private static Duration quarkusDuration(String value) {
        Matcher m = Pattern.compile("(\\d+)(ms|s|m|h|d)").matcher(value);
        if (!m.matches()) {
            return Duration.parse(value);
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }
}
