package dev.zipstream.crc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.jboss.logging.Logger;

import dev.zipstream.crc.index.CrcIndex;
import dev.zipstream.crc.index.FolderLease;
import dev.zipstream.observability.LogText;
import dev.zipstream.plan.ArchiveEntry;
import dev.zipstream.plan.ArchiveFolders;
import dev.zipstream.plan.ArchivePlan;
import dev.zipstream.storage.ArchiveFolderException;
import dev.zipstream.storage.EntryChangedException;
import dev.zipstream.storage.EntryReader;

/**
 * Computes the CRC-32s nobody has asked for yet, so that even the first download of a new album goes out
 * zero-copy and every resume is cheap from the start. At start and then at a fixed interval it walks every folder
 * of the root on one thread of its own, reading at a bounded rate. A folder in which something changed within the
 * minimum age is left for the next run (an upload is still arriving), and so is a folder whose lease another
 * replica holds. Requests never wait for it: it shares no computation with them, uses its own read buffer, and
 * readiness does not depend on it.
 */
public final class BackgroundIndexer implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(BackgroundIndexer.class);
    /** Leftovers of a writer or lease breaker that died: swept once this old. */
    private static final Duration LEFTOVER_AGE = Duration.ofHours(1);
    private static final Duration GONE_FOLDER_AGE = Duration.ofDays(1);

    private final ArchiveFolders folders;
    private final CrcService crcs;
    private final long bytesPerSecond;
    private final Duration minAge;
    private final Clock clock;
    private final ScheduledExecutorService thread;
    /** Files whose CRC-32 was unknown at the end of the last scan; -1 until one has finished. */
    private final AtomicLong pendingFiles = new AtomicLong(-1);
    private final AtomicLong scans = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();

    public BackgroundIndexer(ArchiveFolders folders, CrcService crcs, long bytesPerSecond, Duration minAge,
            Clock clock) {
        this.folders = folders;
        this.crcs = crcs;
        this.bytesPerSecond = bytesPerSecond;
        this.minAge = minAge;
        this.clock = clock;
        this.thread = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread worker = new Thread(runnable, "crc-index-scan");
            worker.setDaemon(true);
            worker.setPriority(Thread.MIN_PRIORITY);
            return worker;
        });
    }

    /** Scans now and then every {@code interval} after the end of the previous scan. */
    public void start(Duration interval) {
        thread.scheduleWithFixedDelay(this::scanQuietly, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Files under the root whose CRC-32 was not known at the end of the last scan, or -1 before the first. */
    public long pendingFiles() {
        return pendingFiles.get();
    }

    /** Scans finished since start. */
    public long scans() {
        return scans.get();
    }

    private void scanQuietly() {
        try {
            scan();
        } catch (RuntimeException | IOException e) {
            countError();
            LOG.warnf("The background CRC scan stopped early: %s", LogText.of(String.valueOf(e.getMessage())));
        }
    }

    /** One walk of the root. Blocking; runs on the scan thread. */
    void scan() throws IOException {
        long started = System.nanoTime();
        long pending = 0;
        long bytesBefore = crcs.bytesRead(CrcService.Reason.BACKGROUND);
        ReadPacer pacer = new ReadPacer(bytesPerSecond);
        List<String> hashes = folders.hashes();
        for (String hash : hashes) {
            if (Thread.currentThread().isInterrupted()) {
                return;
            }
            pending += indexFolder(hash, pacer);
        }
        sweepLeftovers(hashes);
        pendingFiles.set(pending);
        scans.incrementAndGet();
        LOG.infof("Background CRC scan done in %.1f s: %d bytes read, %d files still without a CRC-32",
                (System.nanoTime() - started) / 1e9, crcs.bytesRead(CrcService.Reason.BACKGROUND) - bytesBefore,
                pending);
    }

    /** Computes the folder's missing CRCs unless it is too fresh or leased elsewhere; returns how many remain. */
    private long indexFolder(String hash, ReadPacer pacer) {
        ArchivePlan plan;
        try {
            Optional<ArchivePlan> planned = folders.plan(hash);
            if (planned.isEmpty()) {
                return 0; // not a folder that may be served
            }
            plan = planned.get();
        } catch (ArchiveFolderException e) {
            // A download of it gets the same answer (404 or 500) and logs it there.
            LOG.debugf("Background CRC scan skips %s: %s", LogText.of(hash), LogText.of(e.getMessage()));
            return 0;
        }
        List<ArchiveEntry> missing = missing(plan);
        if (missing.isEmpty()) {
            return 0;
        }
        if (changedRecently(plan)) {
            LOG.debugf("Background CRC scan leaves %s for later: changed within %s", LogText.of(hash), minAge);
            return missing.size();
        }
        CrcIndex index = crcs.index();
        Optional<FolderLease> lease = Optional.empty();
        if (index != null) {
            try {
                lease = FolderLease.tryTake(index.store(), plan.folder(), leaseFor(missing), clock);
                if (lease.isEmpty()) {
                    LOG.debugf("Background CRC scan leaves %s to another replica (leased)", LogText.of(hash));
                    return missing.size();
                }
                // The index was looked at before the lease, up to 500 ms ago: another replica may have indexed
                // the folder since and just given the lease back. Look again, so nothing is read twice.
                index.currentNow(plan.folder());
                missing = missing(plan);
                if (missing.isEmpty()) {
                    release(lease.get());
                    return 0;
                }
            } catch (IOException e) {
                // The directory cannot be written: nobody can share work through it, so do the work here.
                errors.incrementAndGet();
                LOG.debugf("No lease for %s: %s", LogText.of(hash), e.getMessage());
            }
        }
        try (EntryReader reader = plan.storage().reader(List::of)) {
            for (ArchiveEntry entry : missing) {
                if (Thread.currentThread().isInterrupted()) {
                    break;
                }
                try {
                    crcs.computeInBackground(plan, entry, reader, pacer);
                } catch (EntryChangedException changed) {
                    LOG.debugf("Background CRC scan: %s", changed.getMessage());
                } catch (IOException e) {
                    countError();
                    LOG.warnf("Background CRC scan could not read %s: %s", LogText.of(entry.source().location()),
                            LogText.of(String.valueOf(e.getMessage())));
                }
            }
        } catch (IOException e) {
            countError();
        } finally {
            if (index != null) {
                index.flush();
            }
            lease.ifPresent(BackgroundIndexer::release);
        }
        return missing(plan).size();
    }

    private List<ArchiveEntry> missing(ArchivePlan plan) {
        List<ArchiveEntry> missing = new ArrayList<>();
        for (ArchiveEntry entry : plan.entries()) {
            if (!crcs.isKnown(plan, entry)) {
                missing.add(entry);
            }
        }
        return missing;
    }

    /**
     * Whether a file or the folder itself changed within the minimum age (ctime: a set-back mtime is caught; the
     * folder's own time, which a removed or renamed file changes, is in the plan's Last-Modified).
     */
    private boolean changedRecently(ArchivePlan plan) {
        long newest = plan.lastModified().getEpochSecond() * 1_000_000_000L;
        for (ArchiveEntry entry : plan.entries()) {
            if (entry.source() != null) {
                newest = Math.max(newest, entry.source().changedNanos());
            }
        }
        Instant cutoff = clock.instant().minus(minAge);
        return newest > cutoff.getEpochSecond() * 1_000_000_000L + cutoff.getNano();
    }

    /** Long enough to read what is missing at the scan's rate twice over, and never under five minutes. */
    private Duration leaseFor(List<ArchiveEntry> missing) {
        long bytes = 0;
        for (ArchiveEntry entry : missing) {
            bytes += entry.size();
        }
        return Duration.ofMinutes(5).plusSeconds(2 * bytes / Math.max(1, bytesPerSecond));
    }

    /**
     * Temporary files and broken leases left by a process that died between two steps, and the index files of
     * folders that are gone from the root (for a day: a folder moved away and back keeps its CRCs).
     */
    private void sweepLeftovers(List<String> hashes) {
        CrcIndex index = crcs.index();
        if (index == null) {
            return;
        }
        Instant leftoverCutoff = clock.instant().minus(LEFTOVER_AGE);
        Instant goneCutoff = clock.instant().minus(GONE_FOLDER_AGE);
        Set<String> current = new HashSet<>(hashes);
        try (var children = Files.newDirectoryStream(index.store().directory())) {
            for (Path child : children) {
                String name = child.getFileName().toString();
                boolean leftover = name.endsWith(".tmp") || name.endsWith(".broken");
                boolean gone = name.matches("[A-Za-z0-9_-]+\\.crcs")
                        && !current.contains(name.substring(0, name.length() - ".crcs".length()));
                if ((leftover || gone) && Files.getLastModifiedTime(child).toInstant()
                        .isBefore(leftover ? leftoverCutoff : goneCutoff)) {
                    Files.deleteIfExists(child);
                }
            }
        } catch (IOException e) {
            // Missing or unreadable directory: reported by the writes already.
        }
    }

    private void countError() {
        errors.incrementAndGet();
    }

    /** Folders and files the scan could not read, and scans that stopped early, since start. */
    public long errors() {
        return errors.get();
    }

    private static void release(FolderLease lease) {
        try {
            lease.close();
        } catch (IOException e) {
            LOG.debugf("Releasing a lease failed (it expires by itself): %s", e.getMessage());
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
        try {
            thread.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
