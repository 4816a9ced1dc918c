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

    @Override
    public Map<String, String> start() {
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
        System.setProperty("aws.accessKeyId", S3ProxyServer.IDENTITY);
        System.setProperty("aws.secretAccessKey", S3ProxyServer.CREDENTIAL);
        return Map.of("storage", "s3", "s3.bucket", bucket, "s3.prefix", S3Fixtures.PREFIX,
                "s3.endpoint", server.endpoint(), "s3.region", S3ProxyServer.REGION, "s3.path.style", "true");
    }

    @Override
    public void stop() {
        if (server != null) {
            server.close();
            server = null;
        }
    }
}
