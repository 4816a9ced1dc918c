package dev.zipstream.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import dev.zipstream.http.AddressRange;
import dev.zipstream.storage.s3.S3Clients;

/** Checks the settings before the service takes traffic; the first problem is reported as one line. */
public final class SettingsValidator {

    private SettingsValidator() {
    }

    public static Optional<String> firstProblem(ServiceSettings settings) {
        if (!(settings.responseDelay() >= 0) || Double.isInfinite(settings.responseDelay())) {
            return Optional.of("RESPONSE_DELAY must be a number of seconds >= 0, got " + settings.responseDelay());
        }
        if (settings.storage() == ServiceSettings.StorageKind.S3) {
            if (settings.s3Bucket().isEmpty()) {
                return Optional.of("STORAGE=s3 needs S3_BUCKET");
            }
            if (settings.s3Endpoint().isPresent() && !settings.s3Endpoint().get().matches("https?://.+")) {
                return Optional.of("S3_ENDPOINT must be an http:// or https:// URL, got "
                        + settings.s3Endpoint().get());
            }
            if (settings.s3Prefix().isPresent() && settings.s3Prefix().get().startsWith("/")) {
                return Optional.of("S3_PREFIX must not start with '/' (S3 keys have no leading slash), got "
                        + settings.s3Prefix().get());
            }
            Optional<String> region = S3Clients.regionProblem(settings.s3Endpoint(), settings.s3Region());
            if (region.isPresent()) {
                return region;
            }
        }
        Path folder = Path.of(settings.folderPath());
        if (settings.storage() == ServiceSettings.StorageKind.FILESYSTEM && !Files.isDirectory(folder)) {
            return Optional.of("FOLDER_PATH " + folder.toAbsolutePath() + " is not an existing folder");
        }
        if (settings.chunkSize() < 4096 || settings.chunkSize() > 16 * 1024 * 1024) {
            return Optional.of("CHUNK_SIZE must be between 4096 and 16777216 bytes, got " + settings.chunkSize());
        }
        if (settings.s3ChunkSize() < 4096 || settings.s3ChunkSize() > 16 * 1024 * 1024) {
            return Optional.of("S3_CHUNK_SIZE must be between 4096 and 16777216 bytes, got " + settings.s3ChunkSize());
        }
        if (settings.zeroCopyThreads() < 0 || settings.zeroCopyThreads() > 1024) {
            return Optional.of("ZERO_COPY_THREADS must be between 0 (one per CPU core) and 1024, got "
                    + settings.zeroCopyThreads());
        }
        if (settings.crcCacheEntries() < 0 || settings.crcCacheMaxBytes() < 0) {
            return Optional.of("CRC_CACHE_ENTRIES and CRC_CACHE_MAX_BYTES must be >= 0");
        }
        if (settings.maxConcurrentDownloads() < 0) {
            return Optional.of("MAX_CONCURRENT_DOWNLOADS must be >= 0 (0 = unlimited), got "
                    + settings.maxConcurrentDownloads());
        }
        if (IndexScanInterval.parse(settings.indexScanInterval()).isEmpty()) {
            return Optional.of("INDEX_SCAN_INTERVAL must be a positive duration such as 10m, 1h or 30s, or off; got '"
                    + settings.indexScanInterval() + "'");
        }
        if (settings.indexMaxBytesPerSecond() < 4096) {
            return Optional.of("INDEX_MAX_BYTES_PER_SECOND must be at least 4096, got "
                    + settings.indexMaxBytesPerSecond());
        }
        if (settings.indexScanMinAge().isNegative()) {
            return Optional.of("INDEX_SCAN_MIN_AGE must not be negative, got " + settings.indexScanMinAge());
        }
        if (settings.notFoundLimit() < 0) {
            return Optional.of("NOT_FOUND_LIMIT must be >= 0 (0 = off), got " + settings.notFoundLimit());
        }
        for (String proxy : settings.trustedProxies().orElse(List.of())) {
            try {
                AddressRange.parse(proxy);
            } catch (IllegalArgumentException e) {
                return Optional.of("TRUSTED_PROXIES: " + e.getMessage());
            }
        }
        if (!(settings.planCacheSeconds() >= 0) || settings.planCacheSeconds() > 3600) {
            return Optional.of("PLAN_CACHE_SECONDS must be a number of seconds from 0 to 3600, got "
                    + settings.planCacheSeconds());
        }
        if (settings.planCacheEntries() < 0) {
            return Optional.of("PLAN_CACHE_ENTRIES must be >= 0, got " + settings.planCacheEntries());
        }
        return Optional.empty();
    }
}
