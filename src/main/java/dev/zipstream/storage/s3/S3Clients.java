package dev.zipstream.storage.s3;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/**
 * Builds the one S3 client of the service from its settings: the AWS SDK v2's sync client on the Apache HTTP
 * client, credentials from the SDK's default chain (environment, system properties, profile, web identity for
 * IRSA, container and instance roles), and the SDK's standard retries, which cover throttling (503 SlowDown) and
 * dropped connections before a response's first byte.
 */
public final class S3Clients {

    /** Where no region is set and an endpoint is (MinIO, Ceph): any region signs, this one is conventional. */
    static final Region DEFAULT_REGION_FOR_ENDPOINTS = Region.US_EAST_1;

    private S3Clients() {
    }

    public static S3Client build(Optional<String> endpoint, Optional<String> region, boolean pathStyle,
            int maxConnections) {
        return build(endpoint, region, pathStyle, maxConnections, DefaultCredentialsProvider.builder().build());
    }

    public static S3Client build(Optional<String> endpoint, Optional<String> region, boolean pathStyle,
            int maxConnections,
            AwsCredentialsProvider credentials) {
        S3ClientBuilder builder = S3Client.builder()
                .httpClientBuilder(ApacheHttpClient.builder().maxConnections(maxConnections)
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
