package dev.zipstream.observability;

import java.time.Duration;
import java.util.stream.Stream;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;

/**
 * Histogram buckets for Quarkus' {@code http.server.requests} timer, so that {@code http_server_requests_seconds_bucket}
 * exists for the dashboard's "HTTP response time" panel (Quarkus publishes only count, sum and max by default).
 * A fixed, short list of bounds from 5 ms to 1 h (downloads are HTTP requests too) keeps the series count low:
 * one series per bound per route, method and status.
 */
@Singleton
public class HttpServerHistogram {

    static final String METER = "http.server.requests";
    static final double[] BOUNDS_NANOS = Stream.of(Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
            Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
            Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10),
            Duration.ofSeconds(30), Duration.ofMinutes(1), Duration.ofMinutes(5), Duration.ofMinutes(30),
            Duration.ofHours(1)).mapToDouble(Duration::toNanos).toArray();

    @Produces
    @Singleton
    MeterFilter httpServerRequestsHistogram() {
        return new MeterFilter() {
            @Override
            public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
                if (!METER.equals(id.getName())) {
                    return config;
                }
                return DistributionStatisticConfig.builder().serviceLevelObjectives(BOUNDS_NANOS).build()
                        .merge(config);
            }
        };
    }
}
