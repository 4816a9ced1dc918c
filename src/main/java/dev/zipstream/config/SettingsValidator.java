package dev.zipstream.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Checks the settings before the service takes traffic; the first problem is reported as one line. */
public final class SettingsValidator {

    private SettingsValidator() {
    }

    public static Optional<String> firstProblem(ServiceSettings settings) {
        if (!(settings.responseDelay() >= 0) || Double.isInfinite(settings.responseDelay())) {
            return Optional.of("RESPONSE_DELAY must be a number of seconds >= 0, got " + settings.responseDelay());
        }
        Path folder = Path.of(settings.folderPath());
        if (!Files.isDirectory(folder)) {
            return Optional.of("FOLDER_PATH " + folder.toAbsolutePath() + " is not an existing folder");
        }
        if (settings.chunkSize() < 4096 || settings.chunkSize() > 16 * 1024 * 1024) {
            return Optional.of("CHUNK_SIZE must be between 4096 and 16777216 bytes, got " + settings.chunkSize());
        }
        if (settings.crcCacheEntries() < 0 || settings.crcCacheMaxBytes() < 0) {
            return Optional.of("CRC_CACHE_ENTRIES and CRC_CACHE_MAX_BYTES must be >= 0");
        }
        if (settings.maxConcurrentDownloads() < 0) {
            return Optional.of("MAX_CONCURRENT_DOWNLOADS must be >= 0 (0 = unlimited), got "
                    + settings.maxConcurrentDownloads());
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
