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

    public Multi<Buffer> stream(ArchivePlan plan, ByteRange range) {
        Multi<Buffer> chunks = Multi.createFrom()
                .resource(() -> new ChunkReader(new ArchiveCursor(plan, range, crcs), chunkSize),
                        reader -> Multi.createFrom().<ChunkReader, Buffer> generator(() -> reader,
                                (state, emitter) -> {
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
        if (delayPerChunk.isZero()) {
            return chunks;
        }
        return chunks.onItem().call(chunk -> Uni.createFrom().voidItem().onItem().delayIt().by(delayPerChunk));
    }

    private static void closeQuietly(ChunkReader reader) {
        try {
            reader.close();
        } catch (IOException e) {
            // Nothing was written to the file; a failed close of a read-only channel loses nothing.
        }
    }

    /** The same range as batches of file regions and buffers, for the zero-copy path. */
    public RegionBatcher batches(ArchivePlan plan, ByteRange range) {
        return new RegionBatcher(new ArchiveCursor(plan, range, crcs));
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
