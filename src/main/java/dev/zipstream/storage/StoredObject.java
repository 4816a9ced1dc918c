package dev.zipstream.storage;

import java.security.MessageDigest;

/**
 * One version of one stored entry's content: where it lives and what identifies this version without reading it.
 * Two instances are equal exactly when they name the same version, so an instance keys the CRC-32 caches: a file
 * on a volume is (path, size, mtime, ctime, inode), an S3 object is (bucket, key, size, ETag).
 */
public interface StoredObject {

    /** The content's length in bytes, as planned. */
    long size();

    /** Feeds what identifies this version (besides its name and size) into an archive's entity tag. */
    void fingerprint(MessageDigest digest);

    /** Where it is, for log lines and cache accounting: a path, or {@code s3://bucket/key}. */
    String location();

    /**
     * What identifies this version in the durable CRC index, next to the folder and the entry's name: opaque to
     * the index, the same on every replica (a volume's size, times and inode; an object's size and ETag).
     */
    String indexStamp();

    /** When this version came to be (the later of mtime and ctime on a volume), or 0 where unknown. */
    long changedNanos();
}
