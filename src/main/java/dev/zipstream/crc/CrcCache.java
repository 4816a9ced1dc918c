package dev.zipstream.crc;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.zipstream.storage.StoredObject;

/**
 * Remembers the CRC-32 of stored objects by their version ({@link StoredObject}: a file's path and stamp, an S3
 * object's key, size and ETag), so that a changed file or object never matches an old entry. Least recently used
 * entries go first once either bound is reached: a number of entries, and an estimate of the bytes they hold.
 */
public final class CrcCache {

    /** Estimated heap cost of one entry besides its path's characters: key, stamp, boxed value, map node. */
    static final int ENTRY_OVERHEAD_BYTES = 200;

    private final int maxEntries;
    private final long maxBytes;
    private long bytes;
    private final LinkedHashMap<StoredObject, Integer> entries = new LinkedHashMap<>(256, 0.75f, true);

    public CrcCache(int maxEntries, long maxBytes) {
        this.maxEntries = maxEntries;
        this.maxBytes = maxBytes;
    }

    /** The cached CRC-32 of this version of the object, or null. */
    public synchronized Integer get(StoredObject object) {
        return entries.get(object);
    }

    public synchronized void put(StoredObject key, int crc32) {
        if (maxEntries == 0) {
            return;
        }
        if (entries.put(key, crc32) == null) {
            bytes += cost(key);
        }
        while (entries.size() > maxEntries || bytes > maxBytes) {
            Map.Entry<StoredObject, Integer> eldest = entries.entrySet().iterator().next();
            entries.remove(eldest.getKey());
            bytes -= cost(eldest.getKey());
        }
    }


    private static long cost(StoredObject key) {
        return ENTRY_OVERHEAD_BYTES + 2L * key.location().length();
    }
}
