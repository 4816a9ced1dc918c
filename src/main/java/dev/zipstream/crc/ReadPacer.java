package dev.zipstream.crc;

import java.nio.ByteBuffer;

import dev.zipstream.storage.ReadPacing;

/**
 * Holds a reader to a byte rate: told about every block read, it sleeps the reading thread as long as the reads
 * are ahead of the rate. Only the background scan is paced; its one thread is the one that sleeps.
 */
public final class ReadPacer implements ReadPacing {

    /** No pacing: what requests use. */
    public static final ReadPacer UNLIMITED = new ReadPacer(0);

    private final long bytesPerSecond;
    private final ByteBuffer buffer;
    private final long startNanos = System.nanoTime();
    private long bytes;

    /** @param bytesPerSecond the most bytes per second, or 0 for no limit */
    public ReadPacer(long bytesPerSecond) {
        this.bytesPerSecond = bytesPerSecond;
        this.buffer = bytesPerSecond > 0 ? ByteBuffer.allocateDirect(1 << 20) : null;
    }

    /** The paced reader's own read buffer, or null when unpaced (the shared pool's buffers are used then). */
    @Override
    public ByteBuffer buffer() {
        return buffer;
    }

    /** Counts a block just read, and waits until the rate allows the next one. */
    @Override
    public void read(long count) {
        if (bytesPerSecond <= 0) {
            return;
        }
        synchronized (this) {
            bytes += count;
            long dueNanos = startNanos + (long) (bytes * 1e9 / bytesPerSecond);
            long aheadNanos = dueNanos - System.nanoTime();
            if (aheadNanos > 0) {
                try {
                    Thread.sleep(aheadNanos / 1_000_000, (int) (aheadNanos % 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
