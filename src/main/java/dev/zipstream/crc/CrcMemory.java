package dev.zipstream.crc;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

/**
 * The in-memory tier of remembered CRC-32s: a Caffeine cache bounded by an estimate of the heap its entries use.
 * Its admission policy (W-TinyLFU) keeps a background scan of the whole root from evicting the entries that
 * downloads keep asking for, which a plain LRU would lose.
 *
 * <p>Both settings bound it: every entry weighs at least {@code maxBytes / maxEntries}, so no more than
 * {@code maxEntries} fit, and never more than {@code maxBytes} of estimated heap.
 */
public final class CrcMemory {

    /** Estimated heap cost of one entry besides its strings' characters: key, boxed value, cache node. */
    static final int ENTRY_OVERHEAD_BYTES = 200;

    private final Cache<CrcKey, Integer> cache;

    public CrcMemory(int maxEntries, long maxBytes) {
        if (maxEntries <= 0 || maxBytes <= 0) {
            cache = null;
            return;
        }
        long floor = Math.max(1, (maxBytes + maxEntries - 1) / maxEntries);
        cache = Caffeine.newBuilder()
                .maximumWeight(maxBytes)
                .weigher((CrcKey key, Integer crc) -> (int) Math.min(Integer.MAX_VALUE, Math.max(floor, cost(key))))
                // Evictions run on the caller: no common-pool tasks, and the bound holds when put returns.
                .executor(Runnable::run)
                .build();
    }

    /** The remembered CRC-32 of this version of the entry, or null. */
    public Integer get(CrcKey key) {
        return cache == null ? null : cache.getIfPresent(key);
    }

    public void put(CrcKey key, int crc32) {
        if (cache != null) {
            cache.put(key, crc32);
        }
    }

    /** Entries held now (after pending evictions). */
    public long size() {
        if (cache == null) {
            return 0;
        }
        cache.cleanUp();
        return cache.estimatedSize();
    }

    /** The folder string is shared by every entry of one folder, so only name and stamp are counted. */
    static long cost(CrcKey key) {
        return ENTRY_OVERHEAD_BYTES + 2L * (key.name().length() + key.stamp().length());
    }
}
