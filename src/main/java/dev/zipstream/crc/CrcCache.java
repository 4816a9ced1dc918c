package dev.zipstream.crc;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.zipstream.plan.FileStamp;

/**
 * Remembers the CRC-32 of files by path and {@link FileStamp}, so that a changed file (new size, time or inode)
 * never matches an old entry. Least recently used entries go first once either bound is reached: a number of
 * entries, and an estimate of the bytes they hold.
 */
public final class CrcCache {

    /** Estimated heap cost of one entry besides its path's characters: key, stamp, boxed value, map node. */
    static final int ENTRY_OVERHEAD_BYTES = 200;

    private record Key(Path path, FileStamp stamp) {
    }

    private final int maxEntries;
    private final long maxBytes;
    private long bytes;
    private final LinkedHashMap<Key, Integer> entries = new LinkedHashMap<>(256, 0.75f, true);

    public CrcCache(int maxEntries, long maxBytes) {
        this.maxEntries = maxEntries;
        this.maxBytes = maxBytes;
    }

    /** The cached CRC-32 of this version of the file, or null. */
    public synchronized Integer get(Path path, FileStamp stamp) {
        return entries.get(new Key(path, stamp));
    }

    public synchronized void put(Path path, FileStamp stamp, int crc32) {
        if (maxEntries == 0) {
            return;
        }
        Key key = new Key(path, stamp);
        if (entries.put(key, crc32) == null) {
            bytes += cost(key);
        }
        while (entries.size() > maxEntries || bytes > maxBytes) {
            Map.Entry<Key, Integer> eldest = entries.entrySet().iterator().next();
            entries.remove(eldest.getKey());
            bytes -= cost(eldest.getKey());
        }
    }


    private static long cost(Key key) {
        return ENTRY_OVERHEAD_BYTES + 2L * key.path().toString().length();
    }
}
