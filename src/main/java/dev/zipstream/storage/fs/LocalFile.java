package dev.zipstream.storage.fs;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.MessageDigest;

import dev.zipstream.storage.StoredObject;

/**
 * A regular file below the served root, by its real path, and the stamp it had when its archive was planned.
 */
public record LocalFile(Path path, FileStamp stamp) implements StoredObject {

    @Override
    public long size() {
        return stamp.size();
    }

    /** Modification and status-change times: a same-size rewrite changes the archive's tag. */
    @Override
    public void fingerprint(MessageDigest digest) {
        digest.update(ByteBuffer.allocate(16).putLong(stamp.modifiedNanos()).putLong(stamp.changedNanos()).array());
    }

    @Override
    public String location() {
        return path.toString();
    }

    @Override
    public String indexStamp() {
        return stamp.indexStamp();
    }

    @Override
    public long changedNanos() {
        return Math.max(stamp.changedNanos(), stamp.modifiedNanos());
    }
}
