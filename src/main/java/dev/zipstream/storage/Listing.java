package dev.zipstream.storage;

import java.time.Instant;
import java.util.List;

/**
 * The entries of one folder, in archive order (sub-folders before their contents, siblings sorted by name), as a
 * storage lists them: names, sizes, times and modes, and for each file the version that will be read.
 *
 * @param entries every entry, in order
 * @param folderModified when the folder itself last changed (an entry removed or renamed), or null if unknown
 * @param folderId what names the folder in the durable CRC index: the same for every replica, distinct for every
 *        folder of every storage (a real path below the root on a volume, {@code s3://bucket/prefix/} in S3)
 */
public record Listing(List<Entry> entries, Instant folderModified, String folderId) {

    /**
     * One entry.
     *
     * @param name the path below the folder, {@code /}-separated; a directory's ends with {@code /}
     * @param directory whether it is a directory entry (no data)
     * @param modifiedEpochSecond its modification time
     * @param permissions its Unix permission bits
     * @param object the content to read, or null for a directory
     */
    public record Entry(String name, boolean directory, long modifiedEpochSecond, int permissions,
            StoredObject object) {

        public long size() {
            return object == null ? 0 : object.size();
        }
    }
}
