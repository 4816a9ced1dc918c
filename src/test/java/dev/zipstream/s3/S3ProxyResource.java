package dev.zipstream.s3;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Starts {@link S3ProxyServer} with {@link S3Fixtures} uploaded before the application starts, and points the
 * service at it ({@code STORAGE=s3}). Credentials reach the service the way they reach it in production, through
 * the AWS SDK's default chain (here its system properties).
 */
public class S3ProxyResource implements QuarkusTestResourceLifecycleManager {

    private static S3ProxyServer server;
    private String bucket = S3Fixtures.BUCKET;
    private boolean fixtures = true;
    private String previousIndexDir;

    /**
     * {@code bucket}: the bucket the service is pointed at (one that does not exist, for the failure tests);
     * {@code fixtures=false}: an empty bucket {@link S3Fixtures#BUCKET} only.
     */
    @Override
    public void init(Map<String, String> args) {
        bucket = args.getOrDefault("bucket", S3Fixtures.BUCKET);
        fixtures = Boolean.parseBoolean(args.getOrDefault("fixtures", "true"));
    }

    public static S3ProxyServer server() {
        return server;
    }

    /** A CRC index of its own, empty at every start: the objects are the same from one run to the next. */
    public static java.nio.file.Path indexDir() {
        return java.nio.file.Path.of("target/s3-test-crc-index").toAbsolutePath();
    }

    @Override
    public Map<String, String> start() {
        try {
            dev.zipstream.Fixtures.deleteTree(indexDir());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        long start = System.nanoTime();
        server = S3ProxyServer.start();
        long started = System.nanoTime();
        if (fixtures) {
            S3Fixtures.upload(server);
        } else {
            server.createBucket(S3Fixtures.BUCKET);
        }
        System.out.printf("S3ProxyResource: S3Proxy started in %d ms, fixtures uploaded in %d ms%n",
                (started - start) / 1_000_000, (System.nanoTime() - started) / 1_000_000);
        // A system property, as the build's own crc.index.dir is one (and outranks a test resource's config).
        previousIndexDir = System.setProperty("crc.index.dir", indexDir().toString());
        System.setProperty("aws.accessKeyId", S3ProxyServer.IDENTITY);
        System.setProperty("aws.secretAccessKey", S3ProxyServer.CREDENTIAL);
        return Map.of("storage", "s3", "s3.bucket", bucket, "s3.prefix", S3Fixtures.PREFIX,
                "s3.endpoint", server.endpoint(), "s3.region", S3ProxyServer.REGION, "s3.path.style", "true");
    }

    @Override
    public void stop() {
        if (previousIndexDir != null) {
            System.setProperty("crc.index.dir", previousIndexDir);
        }
        if (server != null) {
            server.close();
            server = null;
        }
    }
}
