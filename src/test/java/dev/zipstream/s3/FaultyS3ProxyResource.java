package dev.zipstream.s3;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import dev.zipstream.Fixtures;

/**
 * Starts {@link S3ProxyServer} with the objects of {@link S3ThrottlingAndSlowClientTest} and a
 * {@link FaultyS3Proxy} in front of it, and points the service at the proxy ({@code STORAGE=s3}). The objects are
 * uploaded straight to S3Proxy, so only the service's requests pass the proxy.
 */
public class FaultyS3ProxyResource implements QuarkusTestResourceLifecycleManager {

    /** A small folder: one object read ahead whole, one streamed with a stored CRC-32, one streamed without. */
    static final String THROTTLED = "throttled";
    /** Large objects, each one streamed GET, with stored CRC-32s (no object is read whole for its CRC). */
    static final String BIG = "big";
    static final int BIG_OBJECTS = 4;
    static final int BIG_OBJECT_SIZE = 24 << 20;

    private static S3ProxyServer server;
    private static FaultyS3Proxy proxy;
    private String previousIndexDir;

    static FaultyS3Proxy proxy() {
        return proxy;
    }

    /** The throttled folder's objects (key below the folder to content). */
    static Map<String, byte[]> throttledObjects() {
        Map<String, byte[]> objects = new LinkedHashMap<>();
        objects.put("a small.jpg", S3Fixtures.bytes(300_000, 61));
        objects.put("b streamed with crc.bin", S3Fixtures.bytes(3 << 20, 62));
        objects.put("c streamed without crc.bin", S3Fixtures.bytes((3 << 20) / 2, 63));
        return objects;
    }

    static String bigKey(int i) {
        return "part" + i + ".bin";
    }

    static byte[] bigContent(int i) {
        return S3Fixtures.bytes(BIG_OBJECT_SIZE, 70 + i);
    }

    private static Path indexDir() {
        return Path.of("target/s3-faulty-crc-index").toAbsolutePath();
    }

    @Override
    public Map<String, String> start() {
        try {
            Fixtures.deleteTree(indexDir());
            long start = System.nanoTime();
            server = S3ProxyServer.start();
            long started = System.nanoTime();
            server.createBucket(S3Fixtures.BUCKET);
            String throttled = S3Fixtures.PREFIX + THROTTLED + "/";
            throttledObjects().forEach((key, content) -> server.put(S3Fixtures.BUCKET, throttled + key, content,
                    key.contains("with crc")));
            for (int i = 0; i < BIG_OBJECTS; i++) {
                server.put(S3Fixtures.BUCKET, S3Fixtures.PREFIX + BIG + "/" + bigKey(i), bigContent(i), true);
            }
            proxy = FaultyS3Proxy.start(server.port());
            System.out.printf("FaultyS3ProxyResource: S3Proxy started in %d ms, objects uploaded in %d ms%n",
                    (started - start) / 1_000_000, (System.nanoTime() - started) / 1_000_000);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        previousIndexDir = System.setProperty("crc.index.dir", indexDir().toString());
        System.setProperty("aws.accessKeyId", S3ProxyServer.IDENTITY);
        System.setProperty("aws.secretAccessKey", S3ProxyServer.CREDENTIAL);
        return Map.of("storage", "s3", "s3.bucket", S3Fixtures.BUCKET, "s3.prefix", S3Fixtures.PREFIX,
                "s3.endpoint", proxy.endpoint(), "s3.region", S3ProxyServer.REGION, "s3.path.style", "true");
    }

    @Override
    public void stop() {
        if (previousIndexDir != null) {
            System.setProperty("crc.index.dir", previousIndexDir);
        }
        if (proxy != null) {
            proxy.close();
            proxy = null;
        }
        if (server != null) {
            server.close();
            server = null;
        }
    }
}
