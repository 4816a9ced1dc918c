package dev.zipstream.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.quarkus.arc.DefaultBean;
import io.smallrye.mutiny.infrastructure.Infrastructure;

import dev.zipstream.crc.CrcCache;
import dev.zipstream.crc.CrcService;
import dev.zipstream.plan.ArchiveFolders;
import dev.zipstream.plan.FolderScanner;
import dev.zipstream.plan.RecentPlans;
import dev.zipstream.stream.ArchiveStreamer;

/** Builds the service's plain-Java parts from the settings; the format and streaming layers know no CDI. */
public class ServiceBeans {

    @Produces
    @Singleton
    ArchiveFolders archiveFolders(ServiceSettings settings, FolderScanner.ReadAccess readAccess) {
        return new ArchiveFolders(Path.of(settings.folderPath()), readAccess);
    }

    @Produces
    @Singleton
    RecentPlans<Path> recentPlans(ArchiveFolders folders, ServiceSettings settings) {
        return new RecentPlans<>(folders::plan, Duration.ofMillis(Math.round(settings.planCacheSeconds() * 1000)),
                settings.planCacheEntries(), Infrastructure.getDefaultWorkerPool());
    }

    /** Whether the service user may read a file; tests replace it, since root may read anything. */
    @Produces
    @Singleton
    @DefaultBean
    FolderScanner.ReadAccess readAccess() {
        return Files::isReadable;
    }

    @Produces
    @Singleton
    CrcService crcService(ServiceSettings settings) {
        return new CrcService(new CrcCache(settings.crcCacheEntries(), settings.crcCacheMaxBytes()),
                Infrastructure.getDefaultWorkerPool());
    }

    @Produces
    @Singleton
    ArchiveStreamer archiveStreamer(ServiceSettings settings, CrcService crcs) {
        long delayNanos = Math.round(settings.responseDelay() * 1_000_000_000d);
        return new ArchiveStreamer(crcs, Infrastructure.getDefaultWorkerPool(), settings.chunkSize(),
                Duration.ofNanos(delayNanos));
    }
}
