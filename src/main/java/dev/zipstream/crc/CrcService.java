package dev.zipstream.crc;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;

import org.jboss.logging.Logger;

import dev.zipstream.plan.ArchiveEntry;
import dev.zipstream.plan.FileStamp;
import dev.zipstream.plan.RootedFiles;

/**
 * Where archive writers get each entry's CRC-32: from the cache when this version of the file was seen before,
 * otherwise computed now. Two downloads that need the same CRC at once share one computation, and a writer can
 * ask for the next file's CRC ahead of time so it is ready when that file's header is due.
 */
public final class CrcService {

    private static final Logger LOG = Logger.getLogger(CrcService.class);

    private record Key(Path path, FileStamp stamp) {
    }

    private final CrcCache cache;
    private final Executor prefetchExecutor;
    private final Map<Key, CompletableFuture<Integer>> inFlight = new ConcurrentHashMap<>();
    private final AtomicLong bytesHashed = new AtomicLong();

    public CrcService(CrcCache cache, Executor prefetchExecutor) {
        this.cache = cache;
        this.prefetchExecutor = prefetchExecutor;
    }

    /**
     * The entry's CRC-32, blocking while it is computed (reading through {@code files}); fails if the file no
     * longer matches the plan.
     */
    public int crcOf(ArchiveEntry entry, RootedFiles files) throws IOException {
        if (entry.isDirectory() || entry.size() == 0) {
            return 0;
        }
        Integer cached = cache.get(entry.source(), entry.stamp());
        if (cached != null) {
            return cached;
        }
        Key key = new Key(entry.source(), entry.stamp());
        CompletableFuture<Integer> mine = new CompletableFuture<>();
        CompletableFuture<Integer> running = inFlight.putIfAbsent(key, mine);
        if (running != null) {
            return await(running);
        }
        try {
            int crc = CrcCalculator.crc32(files, entry.source(), entry.stamp());
            bytesHashed.addAndGet(entry.size());
            cache.put(entry.source(), entry.stamp(), crc);
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

    /**
     * Starts computing the entry's CRC-32 in the background unless it is known or already on its way.
     *
     * @param root the real root the entry's file lies below
     */
    public void prefetch(ArchiveEntry entry, Path root) {
        if (entry.isDirectory() || entry.size() == 0 || cache.get(entry.source(), entry.stamp()) != null
                || inFlight.containsKey(new Key(entry.source(), entry.stamp()))) {
            return;
        }
        prefetchExecutor.execute(() -> {
            try (RootedFiles files = new RootedFiles(root)) {
                crcOf(entry, files);
            } catch (IOException e) {
                // The writer that needs this CRC will meet the same problem and report it with its archive.
                LOG.debugf("Prefetching the CRC-32 of %s failed: %s", entry.source(), e.getMessage());
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
