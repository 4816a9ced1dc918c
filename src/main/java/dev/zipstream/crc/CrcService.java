package dev.zipstream.crc;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;

import org.jboss.logging.Logger;

import dev.zipstream.plan.ArchiveEntry;
import dev.zipstream.storage.EntryReader;
import dev.zipstream.storage.Storage;
import dev.zipstream.storage.StoredObject;

/**
 * Where archive writers get each entry's CRC-32: from the cache when this version of the entry was seen before,
 * else from the storage when it keeps one (S3's stored checksum), otherwise computed now by reading the entry.
 * Two downloads that need the same CRC at once share one computation, and a writer can ask for the next entry's
 * CRC ahead of time so it is ready when that entry's header is due.
 */
public final class CrcService {

    private static final Logger LOG = Logger.getLogger(CrcService.class);

    private final CrcCache cache;
    private final Executor prefetchExecutor;
    private final Map<StoredObject, CompletableFuture<Integer>> inFlight = new ConcurrentHashMap<>();
    private final AtomicLong bytesHashed = new AtomicLong();

    public CrcService(CrcCache cache, Executor prefetchExecutor) {
        this.cache = cache;
        this.prefetchExecutor = prefetchExecutor;
    }

    /**
     * The entry's CRC-32, blocking while it is looked up or computed (reading through {@code reader}); fails if the
     * entry no longer matches the plan.
     */
    public int crcOf(ArchiveEntry entry, EntryReader reader) throws IOException {
        if (entry.isDirectory() || entry.size() == 0) {
            return 0;
        }
        StoredObject key = entry.source();
        Integer cached = cache.get(key);
        if (cached != null) {
            return cached;
        }
        CompletableFuture<Integer> mine = new CompletableFuture<>();
        CompletableFuture<Integer> running = inFlight.putIfAbsent(key, mine);
        if (running != null) {
            return await(running);
        }
        try {
            OptionalInt known = reader.knownCrc32(key);
            int crc;
            if (known.isPresent()) {
                crc = known.getAsInt();
            } else {
                crc = reader.crc32(key);
                bytesHashed.addAndGet(entry.size());
            }
            cache.put(key, crc);
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

    /** Starts finding the entry's CRC-32 in the background unless it is known or already on its way. */
    public void prefetch(ArchiveEntry entry, Storage storage) {
        if (entry.isDirectory() || entry.size() == 0 || cache.get(entry.source()) != null
                || inFlight.containsKey(entry.source())) {
            return;
        }
        prefetchExecutor.execute(() -> {
            try (EntryReader reader = storage.reader(List.of())) {
                crcOf(entry, reader);
            } catch (IOException e) {
                // The writer that needs this CRC will meet the same problem and report it with its archive.
                LOG.debugf("Prefetching the CRC-32 of %s failed: %s", entry.source().location(), e.getMessage());
            }
        });
    }

    /** Every byte read to compute a CRC-32 since start: what a cold cache costs. */
    public long bytesHashed() {
        return bytesHashed.get();
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
