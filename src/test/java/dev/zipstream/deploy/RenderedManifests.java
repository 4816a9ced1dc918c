package dev.zipstream.deploy;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The manifests exactly as {@code kubectl apply -k k8s/} would send them: the output of
 * {@code kubectl kustomize k8s/}, parsed once per test JVM.
 * <p>
 * kubectl (or the binary named by the {@code KUBECTL} environment variable) must be on the PATH.
 * Without it the tests fail rather than skip, so CI cannot go green without checking the manifests.
 */
final class RenderedManifests {

    /** The project directory: surefire sets {@code basedir}, an IDE runs in it. */
    static final Path PROJECT_DIR = Path.of(System.getProperty("basedir", System.getProperty("user.dir")));
    static final Path K8S_DIR = PROJECT_DIR.resolve("k8s");
    /** Where the manifests' files are; k8s/ itself only includes this folder. */
    static final Path BASE_DIR = K8S_DIR.resolve("base");
    /** The overlay that serves from S3 instead of a volume. */
    static final Path S3_OVERLAY_DIR = K8S_DIR.resolve("overlays/s3");

    private static final Map<Path, List<Map<String, Object>>> RENDERED = new java.util.HashMap<>();

    private RenderedManifests() {
    }

    static List<Map<String, Object>> documents() {
        return documents(K8S_DIR);
    }

    /** The rendering of one kustomization folder (k8s/ or an overlay). */
    static synchronized List<Map<String, Object>> documents(Path dir) {
        return RENDERED.computeIfAbsent(dir, folder -> parse(kustomize(folder), folder));
    }

    /** The one document of this kind and name; fails if there is none or more than one. */
    static Map<String, Object> find(String kind, String name) {
        List<Map<String, Object>> found = documents().stream()
                .filter(d -> kind.equals(d.get("kind")) && name.equals(at(d, "metadata", "name")))
                .toList();
        if (found.size() != 1) {
            throw new AssertionError("expected one " + kind + " named " + name + " in kubectl kustomize k8s/, found "
                    + found.size());
        }
        return found.get(0);
    }

    static List<Map<String, Object>> ofKind(String kind) {
        return documents().stream().filter(d -> kind.equals(d.get("kind"))).toList();
    }

    /**
     * Walks maps by key and lists by index, e.g. {@code at(deployment, "spec", "template", "spec", "containers", 0)}.
     * Returns null as soon as a step is missing.
     */
    static Object at(Object node, Object... path) {
        Object current = node;
        for (Object step : path) {
            if (current instanceof Map<?, ?> map && step instanceof String key) {
                current = map.get(key);
            } else if (current instanceof List<?> list && step instanceof Integer index && index < list.size()) {
                current = list.get(index);
            } else {
                return null;
            }
        }
        return current;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object node, Object... path) {
        Object value = at(node, path);
        if (!(value instanceof Map)) {
            throw new AssertionError("expected a mapping at " + List.of(path) + ", found " + value);
        }
        return (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object node, Object... path) {
        Object value = at(node, path);
        if (!(value instanceof List)) {
            throw new AssertionError("expected a sequence at " + List.of(path) + ", found " + value);
        }
        return (List<Object>) value;
    }

    private static String kustomize(Path dir) {
        String kubectl = System.getenv().getOrDefault("KUBECTL", "kubectl");
        try {
            File stderr = File.createTempFile("kustomize", ".err");
            try {
                Process process = new ProcessBuilder(kubectl, "kustomize", dir.toString())
                        .redirectError(stderr)
                        .start();
                String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (!process.waitFor(2, TimeUnit.MINUTES)) {
                    process.destroyForcibly();
                    throw new AssertionError("kubectl kustomize " + dir + " did not finish within 2 minutes");
                }
                if (process.exitValue() != 0) {
                    throw new AssertionError("kubectl kustomize " + dir + " failed with exit code "
                            + process.exitValue() + ":\n" + Files.readString(stderr.toPath()));
                }
                return out;
            } finally {
                Files.deleteIfExists(stderr.toPath());
            }
        } catch (IOException e) {
            throw new AssertionError("cannot run '" + kubectl + " kustomize': install kubectl (CI must) or point the "
                    + "KUBECTL environment variable at it", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while running kubectl kustomize", e);
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> parse(String yaml, Path dir) {
        List<Map<String, Object>> docs = new ArrayList<>();
        for (Object doc : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(yaml)) {
            if (doc != null) {
                docs.add((Map<String, Object>) doc);
            }
        }
        if (docs.isEmpty()) {
            throw new AssertionError("kubectl kustomize " + dir + " produced no documents");
        }
        return Collections.unmodifiableList(docs);
    }
}
