package dev.zipstream.crc.index;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import org.jboss.logging.Logger;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

/**
 * The durable CRC-32 index: reads a folder's file back when its CRCs are asked for, and writes what was learned
 * on one background thread, at most once a second per folder, so no request ever waits for the disk to sync.
 *
 * <p>A rewrite merges three things: the entries the folder has now (name and stamp), the CRCs learned here, and
 * the file as it is on disk at that moment (another replica may have added to it). Entries of files that are gone
 * or changed are dropped. Two replicas writing at once lose at most the other's latest CRCs.
 */
public final class CrcIndex implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(CrcIndex.class);
    private static final long WRITE_DELAY_MILLIS = 1000;

    private final IndexStore store;
    private final ScheduledExecutorService writer;
    /** Folder indexes read recently, with the file version they were read from, so a change is seen. */
    private final Cache<String, Loaded> loaded = Caffeine.newBuilder().maximumSize(256).executor(Runnable::run)
            .build();
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    private final AtomicBoolean flushScheduled = new AtomicBoolean();

    /** An index as read, the file version it was read from, and when that version was last checked. */
    private record Loaded(String version, FolderIndex index, long checkedNanos) {
    }

    /**
     * How long a folder's file is taken as unchanged without looking again: a cold download of 65,536 files asks
     * 65,536 times, and on NFS every look is a round trip. Another replica's new CRCs are seen this much later.
     */
    private static final long RECHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

    /** What a folder's next rewrite must hold: its entries now, and the CRCs learned since the last write. */
    private static final class Pending {
        Supplier<Map<String, String>> stampsByName;
        final List<IndexEntry> learned = new ArrayList<>();
    }

    public CrcIndex(IndexStore store) {
        this.store = store;
        this.writer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "crc-index-writer");
            thread.setDaemon(true);
            return thread;
        });
    }

    public IndexStore store() {
        return store;
    }

    /** The CRC-32 the index holds for this version of the entry, or null. */
    public Integer lookup(String folder, String name, String stamp) {
        return current(folder).crcOf(name, stamp);
    }

    /** The folder's index as on disk (looked at again at most every 500 ms, and re-read only if changed). */
    public FolderIndex current(String folder) {
        return current(folder, false);
    }

    /**
     * The folder's index as on disk now, whenever it was last looked at: for a replica that has just taken the
     * folder's lease, since another may have finished the folder and given the lease back within those 500 ms.
     */
    public FolderIndex currentNow(String folder) {
        return current(folder, true);
    }

    private FolderIndex current(String folder, boolean fresh) {
        long checked = System.nanoTime();
        Loaded known = loaded.getIfPresent(folder);
        if (!fresh && known != null && checked - known.checkedNanos() < RECHECK_NANOS) {
            return known.index();
        }
        String version = versionOf(folder);
        FolderIndex index;
        if (version == null) {
            index = FolderIndex.empty(folder);
        } else if (known != null && version.equals(known.version())) {
            index = known.index();
        } else {
            index = store.read(folder).orElseGet(() -> FolderIndex.empty(folder));
        }
        loaded.put(folder, new Loaded(version == null ? "none" : version, index, checked));
        return index;
    }

    /**
     * Remembers a CRC-32 learned now; it reaches the folder's file within about a second.
     *
     * @param stampsByName the folder's entries now (name to stamp), asked for only when the file is written
     */
    public void learned(String folder, Supplier<Map<String, String>> stampsByName, IndexEntry entry) {
        pending.compute(folder, (key, existing) -> {
            Pending next = existing == null ? new Pending() : existing;
            next.stampsByName = stampsByName;
            next.learned.add(entry);
            return next;
        });
        if (flushScheduled.compareAndSet(false, true)) {
            try {
                writer.schedule(this::flushQuietly, WRITE_DELAY_MILLIS, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException shuttingDown) {
                // Learned after the final flush: computed again after the restart, never a wrong CRC.
            }
        }
    }

    /** Writes every folder with CRCs learned and not yet written; on the writer thread, or at shutdown. */
    public synchronized void flush() {
        flushScheduled.set(false);
        for (String folder : new ArrayList<>(pending.keySet())) {
            Pending work = pending.remove(folder);
            if (work != null) {
                write(folder, work);
            }
        }
    }

    private void flushQuietly() {
        try {
            flush();
        } catch (RuntimeException e) {
            store.countError();
            LOG.warnf("Writing the CRC index failed: %s", IndexStore.describe(e));
        }
    }

    private void write(String folder, Pending work) {
        Map<String, String> stamps = work.stampsByName.get();
        // No lock: the map's remove() handed this Pending over, and nothing adds to it after that.
        Map<String, Integer> learned = new HashMap<>();
        for (IndexEntry entry : work.learned) {
            if (entry.stamp().equals(stamps.get(entry.name()))) {
                learned.put(entry.name(), entry.crc32());
            }
        }
        // As on disk this very moment, so that what another replica wrote meanwhile is kept.
        FolderIndex onDisk = current(folder, true);
        List<IndexEntry> merged = new ArrayList<>(stamps.size());
        stamps.forEach((name, stamp) -> {
            Integer crc = learned.containsKey(name) ? learned.get(name) : onDisk.crcOf(name, stamp);
            if (crc != null) {
                merged.add(new IndexEntry(name, stamp, crc));
            }
        });
        FolderIndex next = FolderIndex.of(folder, merged);
        if (!next.entries().equals(onDisk.entries()) && store.write(next)) {
            loaded.invalidate(folder);
        }
    }

    /** The index file's size, time and identity, or null when there is none. */
    private String versionOf(String folder) {
        try {
            return IndexStore.version(Files.readAttributes(store.fileOf(folder), BasicFileAttributes.class));
        } catch (NoSuchFileException none) {
            return null;
        } catch (IOException e) {
            // Unreadable: let the store say why, once.
            return "unreadable:" + e.getClass().getSimpleName();
        }
    }

    /** Writes what is pending and stops the writer. */
    @Override
    public void close() {
        writer.shutdownNow();
        flush();
    }
}
