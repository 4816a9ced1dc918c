package dev.zipstream.crc;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;

import org.jboss.logging.Logger;

import dev.zipstream.crc.index.CrcIndex;
import dev.zipstream.crc.index.IndexEntry;
import dev.zipstream.plan.ArchiveEntry;
import dev.zipstream.plan.ArchivePlan;
import dev.zipstream.storage.EntryReader;
import dev.zipstream.storage.ReadPacing;

/**
 * Where archive writers get each entry's CRC-32: from memory when this version of the entry was seen before, else
 * from the storage when it has one without reading the entry (S3's stored checksum, or a small object's bytes
 * already fetched ahead), else from the durable index (when there is one), else computed now by reading the entry
 * once through the storage and kept in both. Two downloads that need the same
 * CRC at once share one computation, and a writer can ask for the next file's CRC ahead of time so it is ready
 * when that file's header is due.
 *
 * <p>The background scan computes CRCs here too, at its own pace. It never joins a request's computation nor
 * makes a request wait for one of its own: a request that needs a file the scan is reading reads it itself.
 */
public final class CrcService {

    private static final Logger LOG = Logger.getLogger(CrcService.class);

    /** Why file bytes were read for a CRC-32: the {@code reason} tag of {@code archive_crc_bytes_read_total}. */
    public enum Reason {
        REQUEST, BACKGROUND
    }

    private final CrcMemory memory;
    private final CrcIndex index;
    private final Executor prefetchExecutor;
    private final Map<CrcKey, CompletableFuture<Integer>> inFlight = new ConcurrentHashMap<>();
    private final AtomicLong requestBytes = new AtomicLong();
    private final AtomicLong backgroundBytes = new AtomicLong();

    /**
     * @param index the durable index, or null when {@code CRC_INDEX_DIR} is empty
     */
    public CrcService(CrcMemory memory, CrcIndex index, Executor prefetchExecutor) {
        this.memory = memory;
        this.index = index;
        this.prefetchExecutor = prefetchExecutor;
    }

    /**
     * The entry's CRC-32, blocking while it is looked up or computed (reading through {@code reader}); fails if
     * the entry no longer matches the plan.
     */
    public int crcOf(ArchivePlan plan, ArchiveEntry entry, EntryReader reader) throws IOException {
        if (entry.isDirectory() || entry.size() == 0) {
            return 0;
        }
        CrcKey key = keyOf(plan, entry);
        Integer remembered = memory.get(key);
        if (remembered != null) {
            return remembered;
        }
        CompletableFuture<Integer> mine = new CompletableFuture<>();
        CompletableFuture<Integer> running = inFlight.putIfAbsent(key, mine);
        if (running != null) {
            return await(running);
        }
        try {
            int crc = lookUpOrCompute(plan, entry, key, reader);
            mine.complete(crc);
            return crc;
        } catch (Throwable e) {
            // Errors too: a waiter on an incomplete future would block its worker thread for ever.
            mine.completeExceptionally(e);
            throw e;
        } finally {
            inFlight.remove(key, mine);
        }
    }

    /** Whether this version of the entry's CRC-32 is known without reading the file (memory or index). */
    public boolean isKnown(ArchivePlan plan, ArchiveEntry entry) {
        return entry.isDirectory() || entry.size() == 0 || known(keyOf(plan, entry)) != null;
    }

    /**
     * This version of the entry's CRC-32 if memory holds it (what {@link #crcOf} would return without touching a
     * file or the index), else null.
     */
    public Integer remembered(ArchivePlan plan, ArchiveEntry entry) {
        return entry.isDirectory() || entry.size() == 0 ? Integer.valueOf(0) : memory.get(keyOf(plan, entry));
    }

    /**
     * For the background scan: computes the entry's CRC-32 at the pacer's rate unless it is known or a request is
     * computing it already (the request will store it).
     */
    public void computeInBackground(ArchivePlan plan, ArchiveEntry entry, EntryReader reader, ReadPacer pacer)
            throws IOException {
        if (entry.isDirectory() || entry.size() == 0) {
            return;
        }
        CrcKey key = keyOf(plan, entry);
        if (known(key) != null || inFlight.containsKey(key)) {
            return;
        }
        compute(plan, entry, key, reader, pacer, Reason.BACKGROUND);
    }

    /**
     * Starts computing the entry's CRC-32 in the background unless it is known or already on its way.
     */
    public void prefetch(ArchivePlan plan, ArchiveEntry entry) {
        if (entry.isDirectory() || entry.size() == 0) {
            return;
        }
        CrcKey key = keyOf(plan, entry);
        if (memory.get(key) != null || inFlight.containsKey(key)) {
            return;
        }
        prefetchExecutor.execute(() -> {
            try (EntryReader reader = plan.storage().reader(List::of)) {
                crcOf(plan, entry, reader);
            } catch (IOException e) {
                // The writer that needs this CRC will meet the same problem and report it with its archive.
                LOG.debugf("Prefetching the CRC-32 of %s failed: %s", entry.source().location(), e.getMessage());
            }
        });
    }

    /**
     * The bytes of the entry, read as this plan's version, had the CRC-32 {@code crcOfBytesRead}, not the one
     * remembered for that version. Either the file changed since (its next plan has a new stamp, and nothing is
     * to be done), or what is remembered is wrong: a rewrite in place, same size, within one tick of the file
     * system's clock after the CRC-32 was read, leaves the stamp as it was, and every download of the folder would
     * fail on it for as long as it is remembered, in memory and in the durable index. So the file is read again
     * in the background: if it is still this version and its bytes have the CRC-32 they had in the download (two
     * reads agree, so it is not being written now), that CRC-32 replaces the remembered one in both tiers.
     */
    public void recheck(ArchivePlan plan, ArchiveEntry entry, int crcOfBytesRead) {
        if (entry.isDirectory() || entry.size() == 0) {
            return;
        }
        CrcKey key = keyOf(plan, entry);
        CompletableFuture<Integer> mine = new CompletableFuture<>();
        if (inFlight.putIfAbsent(key, mine) != null) {
            return; // being read already
        }
        Runnable reread = () -> {
            try (EntryReader reader = plan.storage().reader(List::of)) {
                int crc = reader.crc32(entry.source());
                requestBytes.addAndGet(entry.size());
                if (crc == crcOfBytesRead) {
                    remember(plan, key, crc);
                    LOG.warnf("The CRC-32 remembered for %s was not its bytes' (same size and times): replaced",
                            entry.source().location());
                }
                mine.complete(crc);
            } catch (IOException | RuntimeException e) {
                // Changed since it was planned: its next plan has a new stamp, and a CRC-32 of its own.
                mine.completeExceptionally(e);
                LOG.debugf("Rechecking the CRC-32 of %s: %s", entry.source().location(), e.getMessage());
            } catch (Error e) {
                mine.completeExceptionally(e); // a waiter on an incomplete future would block for ever
                throw e;
            } finally {
                inFlight.remove(key, mine);
            }
        };
        try {
            prefetchExecutor.execute(reread);
        } catch (RejectedExecutionException shuttingDown) {
            inFlight.remove(key, mine);
            mine.completeExceptionally(new IOException("the CRC-32 of " + entry.source().location()
                    + " could not be read again: the service is stopping", shuttingDown));
        }
    }

    /** File bytes read to compute CRC-32s since start, for this reason: what a cold cache costs. */
    public long bytesRead(Reason reason) {
        return (reason == Reason.REQUEST ? requestBytes : backgroundBytes).get();
    }

    /** The durable index, or null when it is off. */
    public CrcIndex index() {
        return index;
    }

    private Integer known(CrcKey key) {
        Integer crc = memory.get(key);
        if (crc == null && index != null) {
            crc = index.lookup(key.folder(), key.name(), key.stamp());
            if (crc != null) {
                memory.put(key, crc);
            }
        }
        return crc;
    }

    /** What a request does once memory does not know: the storage's own CRC, then the index, then reading. */
    private int lookUpOrCompute(ArchivePlan plan, ArchiveEntry entry, CrcKey key, EntryReader reader)
            throws IOException {
        OptionalInt stored = reader.knownCrc32(entry.source());
        if (stored.isPresent()) {
            memory.put(key, stored.getAsInt());
            return stored.getAsInt();
        }
        Integer indexed = known(key);
        if (indexed != null) {
            return indexed;
        }
        return compute(plan, entry, key, reader, ReadPacer.UNLIMITED, Reason.REQUEST);
    }

    private int compute(ArchivePlan plan, ArchiveEntry entry, CrcKey key, EntryReader reader, ReadPacing pacer,
            Reason reason) throws IOException {
        int crc = reader.crc32(entry.source(), pacer);
        (reason == Reason.REQUEST ? requestBytes : backgroundBytes).addAndGet(entry.size());
        remember(plan, key, crc);
        return crc;
    }

    private void remember(ArchivePlan plan, CrcKey key, int crc) {
        memory.put(key, crc);
        if (index != null) {
            index.learned(key.folder(), plan::indexStamps, new IndexEntry(key.name(), key.stamp(), crc));
        }
    }

    private static CrcKey keyOf(ArchivePlan plan, ArchiveEntry entry) {
        return new CrcKey(plan.folder(), entry.name(), entry.source().indexStamp());
    }

    private static int await(CompletableFuture<Integer> running) throws IOException {
        try {
            return running.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e;
        }
    }
}
