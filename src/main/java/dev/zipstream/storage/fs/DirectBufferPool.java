package dev.zipstream.storage.fs;

import java.nio.ByteBuffer;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * A fixed number of direct buffers, made once and shared: direct memory stays bounded however many worker
 * threads compute CRCs (a buffer per thread would grow with the pool, up to 200 MiB for 200 workers).
 */
final class DirectBufferPool {

    private final BlockingQueue<ByteBuffer> free;

    DirectBufferPool(int count, int size) {
        free = new ArrayBlockingQueue<>(count);
        for (int i = 0; i < count; i++) {
            free.add(ByteBuffer.allocateDirect(size));
        }
    }

    /** A buffer, waiting for one to be given back if all are in use. */
    ByteBuffer take() {
        try {
            return free.take().clear();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a CRC buffer", e);
        }
    }

    void give(ByteBuffer buffer) {
        free.add(buffer);
    }
}
