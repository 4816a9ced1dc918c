package dev.zipstream.storage.s3;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/**
 * Builds the one S3 client of the service from its settings: the AWS SDK v2's sync client on the Apache HTTP
 * client, credentials from the SDK's default chain (environment, system properties, profile, web identity for
 * IRSA, container and instance roles), and the SDK's default retries (its legacy mode: 4 attempts for S3), which
 * cover throttling (503 SlowDown) and dropped connections before a response's first byte.
 */
public final class S3Clients {

    /** Where no region is set and an endpoint is (MinIO, Ceph): any region signs, this one is conventional. */
    static final Region DEFAULT_REGION_FOR_ENDPOINTS = Region.US_EAST_1;

    /**
     * A benchmark knob, not a setting: {@code -Dzipstream.s3.http-client=url-connection} swaps in the SDK's
     * URL-connection client (the other sync client, and the one the Quarkiverse extension offers), so that
     * {@code bench/s3.sh} can compare the two on the same build.
     */
    static final String HTTP_CLIENT_PROPERTY = "zipstream.s3.http-client";
    static final String URL_CONNECTION = "url-connection";

    private S3Clients() {
    }

    /**
     * Why no region can be used, if so: with neither S3_REGION nor S3_ENDPOINT, the SDK's chain must find one
     * (AWS_REGION, which IRSA sets; a profile; the instance's metadata).
     */
    public static Optional<String> regionProblem(Optional<String> endpoint, Optional<String> region) {
        if (region.isPresent() || endpoint.isPresent()) {
            return Optional.empty();
        }
        try {
            new DefaultAwsRegionProviderChain().getRegion();
            return Optional.empty();
        } catch (SdkClientException e) {
            return Optional.of("S3_REGION is not set and the AWS SDK found no region (AWS_REGION, a profile, "
                    + "instance metadata)");
        }
    }

    public static S3Client build(Optional<String> endpoint, Optional<String> region, boolean pathStyle,
            int maxConnections) {
        return build(endpoint, region, pathStyle, maxConnections, DefaultCredentialsProvider.builder().build());
    }

    public static S3Client build(Optional<String> endpoint, Optional<String> region, boolean pathStyle,
            int maxConnections,
            AwsCredentialsProvider credentials) {
        S3ClientBuilder builder = S3Client.builder()
                .httpClientBuilder(URL_CONNECTION.equals(System.getProperty(HTTP_CLIENT_PROPERTY))
                        ? UrlConnectionHttpClient.builder().connectionTimeout(Duration.ofSeconds(5))
                                .socketTimeout(Duration.ofSeconds(60))
                        : ApacheHttpClient.builder().maxConnections(maxConnections)
                                .connectionTimeout(Duration.ofSeconds(5)).socketTimeout(Duration.ofSeconds(60)))
                .credentialsProvider(credentials)
                .forcePathStyle(pathStyle)
                // Ranged GETs carry no checksum to validate, and the service computes its own CRC-32s.
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        endpoint.ifPresent(url -> builder.endpointOverride(URI.create(url)));
        if (region.isPresent()) {
            builder.region(Region.of(region.get()));
        } else if (endpoint.isPresent()) {
            builder.region(DEFAULT_REGION_FOR_ENDPOINTS);
        }
        return builder.build();
    }
}
