package dev.zipstream.storage.fs;

import java.io.IOException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Objects;

/**
 * What identifies one version of a file's content without reading it: size, modification time and status-change
 * time (ctime) to the nanosecond, and the device and inode. A file whose stamp is unchanged is taken to have
 * unchanged content; this keys the CRC-32 cache, feeds the ETag, and detects files that change while their
 * archive streams. ctime is what catches a rewrite whose mtime was set back (rsync -t, FTP MFMT): no program can
 * set it.
 *
 * @param inode the inode number alone, which the durable CRC index keys on (0 where unknown)
 * @param fileKey device and inode (the JDK's file key: equal for the same file, a rename keeps it, a replacement
 *        changes it), or {@code null} where unknown
 */
public record FileStamp(long size, long modifiedNanos, long changedNanos, long inode, Object fileKey) {

    /** The stamp of the file now at this real path (a link there is not followed: it is another file). */
    public static FileStamp read(Path file) throws IOException {
        return FileFacts.read(file, LinkOption.NOFOLLOW_LINKS).stamp();
    }

    public Instant modifiedInstant() {
        return Instant.ofEpochSecond(0, modifiedNanos);
    }

    public long modifiedEpochSecond() {
        return Math.floorDiv(modifiedNanos, 1_000_000_000L);
    }

    /**
     * This version's key in the durable CRC index: size, mtime and ctime in nanoseconds, and the inode. Not the
     * device: an NFS or CephFS volume gets a different device number on every node that mounts it, while the
     * inode (the server's file id) is the same everywhere; within one folder's index the path pins the volume.
     */
    public String indexStamp() {
        return size + ":" + modifiedNanos + ":" + changedNanos + ":" + (fileKey == null ? "-" : Long.toString(inode));
    }

    public boolean sameContentAs(FileStamp other) {
        return size == other.size && modifiedNanos == other.modifiedNanos && changedNanos == other.changedNanos
                && Objects.equals(fileKey, other.fileKey);
    }
}
