package dev.zipstream.crc.index;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The remembered CRC-32s of one archive folder, by entry name: what one index file holds. Immutable.
 *
 * @param folder the folder's identity, as its owner names it (for a volume, its path below the served root)
 */
public record FolderIndex(String folder, Map<String, IndexEntry> entries) {

    public FolderIndex {
        entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
    }

    public static FolderIndex empty(String folder) {
        return new FolderIndex(folder, Map.of());
    }

    public static FolderIndex of(String folder, Collection<IndexEntry> entries) {
        Map<String, IndexEntry> byName = new LinkedHashMap<>();
        for (IndexEntry entry : entries) {
            byName.put(entry.name(), entry);
        }
        return new FolderIndex(folder, byName);
    }

    /** The CRC-32 remembered for this version of the entry, or null (unknown, or another version). */
    public Integer crcOf(String name, String stamp) {
        IndexEntry entry = entries.get(name);
        return entry != null && entry.stamp().equals(stamp) ? entry.crc32() : null;
    }

    public int size() {
        return entries.size();
    }
}
