package dev.zipstream.storage.fs;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;

/**
 * A loop over the indices {@code 0..count-1}, run in chunks by whichever threads come to it: pool threads it was
 * offered to, and the thread that needs the results, which runs what is left when it arrives. That thread
 * therefore never waits for a chunk nobody has started, however busy the pool is; a parallel stream, by
 * contrast, cannot be helped from outside once a pool thread has begun it. This is what lets the planner look up
 * the next sub-folder ahead on another core while the walk names the current one, and still finish that
 * look-up at full speed when the walk catches up.
 */
final class SharedLoop {

    private static final int CHUNK = 64;

    private final int count;
    private final IntConsumer body;
    private final int chunks;
    private final AtomicInteger nextChunk = new AtomicInteger();
    private final CountDownLatch chunksDone;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    SharedLoop(int count, IntConsumer body) {
        this.count = count;
        this.body = body;
        this.chunks = (count + CHUNK - 1) / CHUNK;
        this.chunksDone = new CountDownLatch(chunks);
    }

    /** Asks {@code helpers} pool tasks to run chunks too; those that come when all are claimed do nothing. */
    void offerTo(Executor pool, int helpers) {
        for (int i = 0; i < Math.min(helpers, chunks - 1); i++) {
            pool.execute(this::help);
        }
    }

    /** Runs unclaimed chunks until none is left. */
    void help() {
        for (int chunk = nextChunk.getAndIncrement(); chunk < chunks; chunk = nextChunk.getAndIncrement()) {
            try {
                for (int i = chunk * CHUNK, end = Math.min(count, i + CHUNK); i < end; i++) {
                    body.accept(i);
                }
            } catch (RuntimeException | Error e) {
                failure.compareAndSet(null, e);
            } finally {
                chunksDone.countDown();
            }
        }
    }

    /**
     * Helps until every chunk is claimed, then waits for those others run (each a few file look-ups, so the
     * wait is short and not interruptible; an interrupt is kept for the caller). Rethrows a chunk's failure.
     */
    void finish() {
        help();
        boolean interrupted = false;
        while (true) {
            try {
                chunksDone.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        Throwable failed = failure.get();
        if (failed instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (failed instanceof Error error) {
            throw error;
        }
    }
}
