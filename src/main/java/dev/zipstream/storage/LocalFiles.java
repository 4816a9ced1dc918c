package dev.zipstream.storage;

import java.io.IOException;
import java.nio.channels.FileChannel;

/**
 * What the zero-copy writer needs of entries that are files on a local volume: a channel to hand to
 * {@code sendfile}, and a check, after the kernel has read it, that the file is still the planned one.
 */
public interface LocalFiles {

    /**
     * A channel of the object's file for the caller to own and close (a Netty file region closes it once sent):
     * the one the last read came from when that read was of this object (one open per file), else a new one.
     */
    FileChannel open(StoredObject object) throws IOException;

    /** Fails with {@link EntryChangedException} unless the file still has the stamp it was planned with. */
    void requireUnchanged(StoredObject object) throws IOException;
}
