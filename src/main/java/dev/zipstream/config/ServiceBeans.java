package dev.zipstream.config;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;

import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.quarkus.arc.DefaultBean;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.infrastructure.Infrastructure;

import dev.zipstream.crc.BackgroundIndexer;
import dev.zipstream.crc.CrcMemory;
import dev.zipstream.crc.CrcService;
import dev.zipstream.crc.index.CrcIndex;
import dev.zipstream.crc.index.IndexStore;
import dev.zipstream.http.ClientAddress;
import dev.zipstream.http.NotFoundThrottle;
import dev.zipstream.http.ZeroCopyWorkers;
import dev.zipstream.plan.ArchiveFolders;
import dev.zipstream.storage.Storage;
import dev.zipstream.storage.fs.FileSystemStorage;
import dev.zipstream.storage.fs.FolderScanner;
import dev.zipstream.storage.fs.ServiceUserAccess;
import dev.zipstream.storage.s3.S3Clients;
import dev.zipstream.storage.s3.S3Storage;
import dev.zipstream.plan.RecentPlans;
import dev.zipstream.stream.ArchiveStreamer;

/** Builds the service's plain-Java parts from the settings; the format and streaming layers know no CDI. */
public class ServiceBeans {

    private static final Logger LOG = Logger.getLogger(ServiceBeans.class);

    /** Threads that send S3 requests and read small objects ahead, shared by every download. */
    static final int S3_FETCH_THREADS = 64;
    /** Pooled S3 connections: a download streaming a large object holds one (two while the next one opens). */
    static final int S3_CONNECTIONS = 512;

    @Produces
    @Singleton
    Storage storage(ServiceSettings settings, FolderScanner.ReadAccess readAccess) {
        // Beans are made before ArchiveServiceMain.run() checks the settings: with a wrong S3 setting, no client is
        // built here (it would fail with a stack trace); run() then stops the start with the one-line reason.
        if (settings.storage() == ServiceSettings.StorageKind.S3
                && SettingsValidator.firstProblem(settings).isEmpty()) {
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

    @Produces
    @Singleton
    RecentPlans<String> recentPlans(ArchiveFolders folders, ServiceSettings settings) {
        // Keyed by hash: a hash that names no folder plans to null, which is never kept.
        Duration keepFor = Duration.ofMillis(Math.round(settings.planCacheSeconds() * 1000));
        return new RecentPlans<>(hash -> folders.plan(hash).orElse(null), keepFor, settings.planCacheEntries(),
                workerPool());
    }

    /** Whether the service user may read a file; tests replace it, since root may read anything. */
    @Produces
    @Singleton
    @DefaultBean
    FolderScanner.ReadAccess readAccess() {
        FolderScanner.ReadAccess access = ServiceUserAccess.forThisProcess();
        if (access instanceof ServiceUserAccess.KernelOnly unknown) {
            LOG.infof("The service's user and groups are unknown (%s): every file's read permission is asked of"
                    + " access(2), which makes planning large folders slower", unknown.why());
        } else {
            LOG.debugf("Read permission is decided from each file's mode and owner for %s (access(2) where they"
                    + " deny)", access);
        }
        return access;
    }

    @Produces
    @Singleton
    CrcService crcService(ServiceSettings settings) {
        CrcIndex index = settings.crcIndexDir().filter(dir -> !dir.isBlank())
                .map(dir -> new CrcIndex(new IndexStore(Path.of(dir)))).orElse(null);
        if (index == null) {
            LOG.info("The CRC index is off (CRC_INDEX_DIR is empty): CRC-32s are kept in memory only");
        } else {
            LOG.infof("CRC-32s learned are kept in %s", index.store().directory());
        }
        return new CrcService(new CrcMemory(settings.crcCacheEntries(), settings.crcCacheMaxBytes()), index,
                workerPool());
    }

    /** What was learned in the last second reaches the index before the process ends. */
    void closeCrcService(@Disposes CrcService crcs) {
        if (crcs.index() != null) {
            crcs.index().close();
        }
    }

    /** Started here, at startup, on a thread of its own: readiness never waits for it. */
    @Produces
    @Singleton
    @Startup
    BackgroundIndexer backgroundIndexer(ServiceSettings settings, ArchiveFolders folders, CrcService crcs) {
        BackgroundIndexer indexer = new BackgroundIndexer(folders, crcs, settings.indexMaxBytesPerSecond(),
                settings.indexScanMinAge(), Clock.systemUTC());
        Duration interval = IndexScanInterval.parse(settings.indexScanInterval()).orElse(Duration.ZERO);
        if (interval.isZero()) {
            LOG.info("Background CRC indexing is off (INDEX_SCAN_INTERVAL=off)");
        } else if (settings.storage() != ServiceSettings.StorageKind.FILESYSTEM) {
            // Objects are read once on their first download (or never, with a stored CRC32); nothing to walk.
            LOG.info("Background CRC indexing is off: it walks folders on a volume, and STORAGE=s3");
        } else {
            indexer.start(interval);
        }
        return indexer;
    }

    void closeBackgroundIndexer(@Disposes BackgroundIndexer indexer) {
        indexer.close();
    }

    @Produces
    @Singleton
    ArchiveStreamer archiveStreamer(ServiceSettings settings, CrcService crcs) {
        long delayNanos = Math.round(settings.responseDelay() * 1_000_000_000d);
        int chunkSize = settings.storage() == ServiceSettings.StorageKind.S3 ? settings.s3ChunkSize()
                : settings.chunkSize();
        return new ArchiveStreamer(crcs, workerPool(), chunkSize,
                Duration.ofNanos(delayNanos));
    }

    @Produces
    @Singleton
    ZeroCopyWorkers zeroCopyWorkers(ServiceSettings settings) {
        ZeroCopyWorkers workers = new ZeroCopyWorkers(settings.zeroCopyThreads());
        LOG.debugf("Zero-copy batches are made on %d threads (ZERO_COPY_THREADS)", workers.threads());
        return workers;
    }

    @Produces
    @Singleton
    NotFoundThrottle notFoundThrottle(ServiceSettings settings) {
        return new NotFoundThrottle(settings.notFoundLimit(), System::nanoTime);
    }

    @Produces
    @Singleton
    ClientAddress clientAddress(ServiceSettings settings) {
        return new ClientAddress(settings.trustedProxies().orElse(List.of()));
    }

    /**
     * Quarkus' worker pool for the service's own blocking tasks, letting go of each once it has run (see
     * {@link ReleasingExecutor}).
     */
    private static Executor workerPool() {
        return new ReleasingExecutor(Infrastructure.getDefaultWorkerPool());
    }
}
