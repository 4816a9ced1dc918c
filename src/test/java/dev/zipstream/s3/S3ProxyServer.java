package dev.zipstream.s3;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.DefaultRetryStrategy;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

import dev.zipstream.Fixtures;

/**
 * A real S3 server on loopback for the tests: S3Proxy 4.1.0 (copied to {@code target/s3proxy/s3proxy.jar} by the
 * build) started as a process on a free port, with the jclouds filesystem backend in its own temporary folder,
 * signature checks on ({@code aws-v2-or-v4}) and single PUTs up to 1 GiB. It dies with the test: {@link #close()},
 * and a shutdown hook should the JVM end first.
 */
public final class S3ProxyServer implements AutoCloseable {

    public static final String IDENTITY = "test-identity";
    public static final String CREDENTIAL = "test-credential";
    public static final String REGION = "us-east-1";

    private static final Path JAR = Path.of("target/s3proxy/s3proxy.jar").toAbsolutePath();

    private final Process process;
    private final Path basedir;
    private final int port;
    private final Thread reaper;
    private final S3Client client;

    private S3ProxyServer(Process process, Path basedir, int port) {
        this.process = process;
        this.basedir = basedir;
        this.port = port;
        this.reaper = new Thread(process::destroyForcibly, "s3proxy-reaper");
        Runtime.getRuntime().addShutdownHook(reaper);
        this.client = client(IDENTITY, CREDENTIAL);
    }

    /** Starts S3Proxy and returns once its connector listens. */
    public static S3ProxyServer start() {
        try {
            if (!Files.isRegularFile(JAR)) {
                throw new IllegalStateException(JAR + " is missing: run the build's process-test-resources phase");
            }
            int port = freePort();
            Path basedir = Files.createTempDirectory("s3proxy-data");
            Path properties = basedir.resolveSibling(basedir.getFileName() + ".properties");
            Files.writeString(properties, String.join("\n",
                    "s3proxy.endpoint=http://127.0.0.1:" + port,
                    "s3proxy.authorization=aws-v2-or-v4",
                    "s3proxy.identity=" + IDENTITY,
                    "s3proxy.credential=" + CREDENTIAL,
                    "jclouds.provider=filesystem",
                    "jclouds.filesystem.basedir=" + basedir,
                    "s3proxy.v4-max-non-chunked-request-size=1073741824", ""));
            Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx256m", "-jar", JAR.toString(), "--properties", properties.toString())
                    .redirectErrorStream(true).start();
            S3ProxyServer server = new S3ProxyServer(process, basedir, port);
            server.awaitListening();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads the server's log until Jetty reports its connector started (and keeps draining it). */
    private void awaitListening() {
        CountDownLatch listening = new CountDownLatch(1);
        Thread drain = new Thread(() -> {
            try (BufferedReader log = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = log.readLine()) != null;) {
                    if (line.contains("Started") && line.contains("ServerConnector")) {
                        listening.countDown();
                    }
                }
            } catch (IOException ended) {
                // the process is gone
            }
        }, "s3proxy-log");
        drain.setDaemon(true);
        drain.start();
        try {
            if (!listening.await(90, TimeUnit.SECONDS) || !process.isAlive()) {
                close();
                throw new IllegalStateException("S3Proxy did not start");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new IllegalStateException(e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    public String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** The tests' own client (uploads, overwrites): path-style, no checksum unless a test gives one. */
    public S3Client client() {
        return client;
    }

    public S3Client client(String identity, String credential) {
        return S3Client.builder().httpClient(ApacheHttpClient.builder().maxConnections(16).build())
                .endpointOverride(URI.create(endpoint())).region(Region.of(REGION)).forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(identity, credential)))
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .build();
    }

    public void createBucket(String bucket) {
        client.createBucket(request -> request.bucket(bucket));
    }

    /**
     * Uploads an object; with {@code storedCrc} the CRC-32 goes along as the {@code x-amz-checksum-crc32} header,
     * which S3Proxy keeps and returns to a HEAD with checksum mode.
     */
    public void put(String bucket, String key, byte[] content, boolean storedCrc) {
        put(client, bucket, key, content, storedCrc);
    }

    /** The same, tried once: for keys the server may refuse. */
    public void putOnce(String bucket, String key, byte[] content) {
        try (S3Client once = S3Client.builder().httpClient(ApacheHttpClient.create())
                .endpointOverride(URI.create(endpoint())).region(Region.of(REGION)).forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(IDENTITY, CREDENTIAL)))
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .overrideConfiguration(config -> config.retryStrategy(DefaultRetryStrategy.doNotRetry())).build()) {
            put(once, bucket, key, content, false);
        }
    }

    private static void put(S3Client client, String bucket, String key, byte[] content, boolean storedCrc) {
        PutObjectRequest.Builder request = PutObjectRequest.builder().bucket(bucket).key(key);
        if (storedCrc) {
            request.checksumCRC32(crc32Base64(content));
        }
        client.putObject(request.build(), RequestBody.fromBytes(content));
    }

    public static String crc32Base64(byte[] content) {
        CRC32 crc = new CRC32();
        crc.update(content);
        long value = crc.getValue();
        return Base64.getEncoder().encodeToString(new byte[] {(byte) (value >>> 24), (byte) (value >>> 16),
                (byte) (value >>> 8), (byte) value});
    }

    @Override
    public void close() {
        client.close();
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(reaper);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs anyway
        }
        try {
            Fixtures.deleteTree(basedir);
            Files.deleteIfExists(basedir.resolveSibling(basedir.getFileName() + ".properties"));
        } catch (IOException e) {
            // a temporary folder left behind loses nothing
        }
    }
}
