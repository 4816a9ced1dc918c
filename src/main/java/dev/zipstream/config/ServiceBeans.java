package dev.zipstream.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.quarkus.arc.DefaultBean;
import io.smallrye.mutiny.infrastructure.Infrastructure;

import dev.zipstream.crc.CrcCache;
import dev.zipstream.crc.CrcService;
import dev.zipstream.plan.ArchiveFolders;
import dev.zipstream.storage.Storage;
import dev.zipstream.storage.fs.FileSystemStorage;
import dev.zipstream.storage.fs.FolderScanner;
import dev.zipstream.storage.s3.S3Clients;
import dev.zipstream.storage.s3.S3Storage;
import dev.zipstream.stream.ArchiveStreamer;

/** Builds the service's plain-Java parts from the settings; the format and streaming layers know no CDI. */
public class ServiceBeans {

    /** Threads that send S3 requests and read small objects ahead, shared by every download. */
    static final int S3_FETCH_THREADS = 64;
    /** Pooled S3 connections: a download streaming a large object holds one (two while the next one opens). */
    static final int S3_CONNECTIONS = 512;

    @Produces
    @Singleton
    Storage storage(ServiceSettings settings, FolderScanner.ReadAccess readAccess) {
        if (settings.storage() == ServiceSettings.StorageKind.S3) {
            return new S3Storage(S3Clients.build(settings.s3Endpoint(), settings.s3Region(), settings.s3PathStyle(),
                    S3_CONNECTIONS), settings.s3Bucket().orElseThrow(), settings.s3Prefix().orElse(""),
                    S3_FETCH_THREADS);
        }
        return new FileSystemStorage(Path.of(settings.folderPath()), readAccess);
    }

    void closeStorage(@Disposes Storage storage) {
        if (storage instanceof S3Storage s3) {
            s3.close();
        }
    }

    @Produces
    @Singleton
    ArchiveFolders archiveFolders(Storage storage) {
        return new ArchiveFolders(storage);
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
