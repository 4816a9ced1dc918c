package dev.zipstream.storage;

import java.nio.ByteBuffer;

/**
 * Holds a reader that computes a CRC-32 to a byte rate (the background scan); requests read unpaced.
 */
public interface ReadPacing {

    /** No pacing: what requests use. */
    ReadPacing NONE = new ReadPacing() {
        @Override
        public ByteBuffer buffer() {
            return null;
        }

        @Override
        public void read(long count) {
        }
    };

    /** The paced reader's own read buffer (it sleeps with it), or null to use the storage's shared buffers. */
    ByteBuffer buffer();

    /** Counts a block just read, and waits until the rate allows the next one. */
    void read(long count);
}
