package dev.zipstream.config;

import java.time.Duration;
import java.util.Optional;

import io.quarkus.runtime.configuration.DurationConverter;

/**
 * {@code INDEX_SCAN_INTERVAL}: a duration in Quarkus's notation ({@code 10m}, {@code 1h}, {@code PT30S}) or
 * {@code off}.
 */
public final class IndexScanInterval {

    private IndexScanInterval() {
    }

    /**
     * The interval, {@code Optional.of(Duration.ZERO)} for {@code off}, or empty when the value is not one.
     */
    public static Optional<Duration> parse(String value) {
        String trimmed = value == null ? "" : value.trim();
        if (trimmed.equalsIgnoreCase("off")) {
            return Optional.of(Duration.ZERO);
        }
        try {
            Duration interval = DurationConverter.parseDuration(trimmed);
            return interval != null && interval.compareTo(Duration.ofSeconds(1)) >= 0 ? Optional.of(interval)
                    : Optional.empty();
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }
}
