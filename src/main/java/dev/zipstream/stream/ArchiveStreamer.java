package dev.zipstream.stream;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Executor;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;

import dev.zipstream.crc.CrcService;
import dev.zipstream.plan.ArchivePlan;

/**
 * The archive as a {@code Multi<Buffer>}: chunks made on a worker pool, one per request from downstream, so a
 * slow client slows production and at most a few chunks per download exist at once. With a response delay,
 * every chunk waits on a timer (no thread is held) before it goes out. The zero-copy edge takes the same range
 * from {@link #batches} instead.
 */
public final class ArchiveStreamer {

    private final CrcService crcs;
    private final Executor workers;
    private final int chunkSize;
    private final Duration delayPerChunk;

    public ArchiveStreamer(CrcService crcs, Executor workers, int chunkSize, Duration delayPerChunk) {
        this.crcs = crcs;
        this.workers = workers;
        this.chunkSize = chunkSize;
        this.delayPerChunk = delayPerChunk;
    }

    /** A range of the stored archive, whose every byte is known in advance. */
    public Multi<Buffer> stream(ArchivePlan plan, ByteRange range) {
        ChunkReader reader = new ChunkReader(new ArchiveCursor(plan, range, crcs), chunkSize);
        return paced(chunks(reader::next, reader));
    }

    /** The whole archive with every file deflated: its length is known only at the end. */
    public Multi<Buffer> streamDeflated(ArchivePlan plan) {
        DeflatedChunkReader reader = new DeflatedChunkReader(plan, chunkSize);
        return paced(chunks(reader::next, reader));
    }

    /** Where a chunk comes from: null at the end. */
    @FunctionalInterface
    private interface ChunkSource {
        Buffer next() throws IOException;
    }

    /** One chunk per request, made on a worker; the source is closed on completion, failure or cancellation. */
    private Multi<Buffer> chunks(ChunkSource source, AutoCloseable resource) {
        return Multi.createFrom()
                .<AutoCloseable, Buffer> resource(() -> resource,
                        open -> Multi.createFrom().<ChunkSource, Buffer> generator(() -> source, (state, emitter) -> {
                            try {
                                Buffer chunk = state.next();
                                if (chunk == null) {
                                    emitter.complete();
                                } else {
                                    emitter.emit(chunk);
                                }
                            } catch (Exception e) {
                                emitter.fail(e);
                            }
                            return state;
                        }))
                .withFinalizer(ArchiveStreamer::closeQuietly)
                .runSubscriptionOn(workers);
    }

    private Multi<Buffer> paced(Multi<Buffer> chunks) {
        if (delayPerChunk.isZero()) {
            return chunks;
        }
        return chunks.onItem().call(chunk -> Uni.createFrom().voidItem().onItem().delayIt().by(delayPerChunk));
    }

    private static void closeQuietly(AutoCloseable reader) {
        try {
            reader.close();
        } catch (Exception e) {
            // Nothing was written to the file; a failed close of a read-only channel loses nothing.
        }
    }

    /**
     * The same range as batches of file regions and buffers, for the zero-copy path; {@code corked}: the socket
     * joins small writes into full segments itself ({@link RegionBatcher#LEAD_IN} otherwise); {@code helpers}:
     * where a batch's many small files may be read on another core.
     */
    public RegionBatcher batches(ArchivePlan plan, ByteRange range, boolean corked, Executor helpers) {
        return new RegionBatcher(new ArchiveCursor(plan, range, crcs), !corked, helpers);
    }

    /** Where archive production runs: the worker pool, never the event loop. */
    public Executor workers() {
        return workers;
    }

    /** Whether chunks are paced; pacing needs the copying path, where every chunk is a buffer. */
    public boolean paced() {
        return !delayPerChunk.isZero();
    }
}
