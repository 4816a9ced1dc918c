package dev.zipstream.deploy;

import static dev.zipstream.deploy.RenderedManifests.at;
import static dev.zipstream.deploy.RenderedManifests.list;
import static dev.zipstream.deploy.RenderedManifests.map;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

/**
 * The output of {@code kubectl kustomize k8s/overlays/s3/}: the base without the photos volume, the S3 settings in
 * the ConfigMap, credentials from an optional Secret, and a ServiceAccount carrying the IRSA annotation.
 */
class S3OverlayManifestsTest {

    private static final String APP = "archive-service";

    private static List<Map<String, Object>> overlay() {
        return RenderedManifests.documents(RenderedManifests.S3_OVERLAY_DIR);
    }

    private static Map<String, Object> one(String kind, String name) {
        List<Map<String, Object>> found = overlay().stream()
                .filter(d -> kind.equals(d.get("kind")) && name.equals(at(d, "metadata", "name"))).toList();
        assertEquals(1, found.size(), kind + "/" + name);
        return found.get(0);
    }

    @Test
    void everythingOfTheBaseButThePhotosClaimPlusAServiceAccount() {
        Set<String> base = RenderedManifests.documents().stream()
                .map(d -> d.get("kind") + "/" + at(d, "metadata", "name")).collect(Collectors.toSet());
        Set<String> rendered = overlay().stream().map(d -> d.get("kind") + "/" + at(d, "metadata", "name"))
                .collect(Collectors.toSet());
        assertFalse(rendered.contains("PersistentVolumeClaim/archive-photos"), rendered.toString());
        assertTrue(rendered.contains("ServiceAccount/" + APP), rendered.toString());
        Set<String> expected = new java.util.HashSet<>(base);
        expected.remove("PersistentVolumeClaim/archive-photos");
        expected.add("ServiceAccount/" + APP);
        assertEquals(expected, rendered);
    }

    @Test
    void configMapHasTheS3SettingsAndNoFolderPath() {
        Map<String, Object> data = map(one("ConfigMap", "archive-service-config"), "data");
        assertEquals("s3", data.get("STORAGE"));
        for (String setting : List.of("S3_BUCKET", "S3_PREFIX", "S3_ENDPOINT", "S3_REGION", "S3_PATH_STYLE")) {
            assertTrue(data.containsKey(setting), setting);
        }
        assertTrue(((String) data.get("S3_BUCKET")).length() > 0);
        assertTrue(Set.of("true", "false").contains(data.get("S3_PATH_STYLE")));
        assertFalse(data.containsKey("FOLDER_PATH"), "no volume, no FOLDER_PATH");
        assertEquals("store", data.get("COMPRESSION"), "the base's settings stay");
    }

    @Test
    void podsMountNoPhotosVolumeAndTakeCredentialsFromAnOptionalSecretAndTheServiceAccount() {
        Map<String, Object> pod = map(one("Deployment", APP), "spec", "template", "spec");
        assertEquals(APP, pod.get("serviceAccountName"));
        List<Object> volumes = list(pod, "volumes");
        assertTrue(volumes.stream().noneMatch(v -> "photos".equals(at(v, "name"))), volumes.toString());
        assertTrue(volumes.stream().anyMatch(v -> "tmp".equals(at(v, "name"))), "the /tmp emptyDir stays");
        Map<String, Object> container = map(pod, "containers", 0);
        List<Object> mounts = list(container, "volumeMounts");
        assertTrue(mounts.stream().noneMatch(m -> "photos".equals(at(m, "name"))), mounts.toString());
        List<Object> envFrom = list(container, "envFrom");
        assertTrue(envFrom.stream().anyMatch(e -> "archive-service-config".equals(at(e, "configMapRef", "name"))));
        Object secret = envFrom.stream().filter(e -> at(e, "secretRef") != null).findFirst()
                .orElseThrow(() -> new AssertionError("no secretRef in " + envFrom));
        assertEquals("archive-service-s3-credentials", at(secret, "secretRef", "name"));
        assertEquals(Boolean.TRUE, at(secret, "secretRef", "optional"), "IRSA needs no Secret");
        assertEquals("/q/health/ready", at(container, "readinessProbe", "httpGet", "path"),
                "readiness (the bucket answers) gates traffic");
    }

    @Test
    void serviceAccountCarriesTheIrsaRoleAnnotation() {
        Object arn = at(one("ServiceAccount", APP), "metadata", "annotations", "eks.amazonaws.com/role-arn");
        assertTrue(arn instanceof String value && value.startsWith("arn:aws:iam::"), String.valueOf(arn));
    }
}
