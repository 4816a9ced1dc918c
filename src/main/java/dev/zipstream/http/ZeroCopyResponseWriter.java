package dev.zipstream.http;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

import org.jboss.logging.Logger;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.FileRegion;
import io.netty.util.concurrent.EventExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;

import dev.zipstream.observability.DownloadTracker;
import dev.zipstream.stream.RegionBatcher;

/**
 * Sends an archive range as file regions and coalesced buffers straight to the Netty channel, after Vert.x has
 * written the response head. Batches are made on a worker and written on the event loop. Backpressure is a window
 * of bytes in flight (Netty counts a file region as zero bytes, so the write queue alone cannot tell), with a
 * smaller window for the bytes held in direct buffers: regions cost no memory, buffers do.
 *
 * <p>Batches are made on the few {@link ZeroCopyWorkers}, except one that starts by computing a CRC-32 that
 * memory does not hold: that one goes to the worker pool, where a thread may wait on a long read, as do the
 * checks of every file sent at the end.
 *
 * <p>All state lives on the event loop. A write may complete inside the write call (loopback often does), so
 * completions only update counters and schedule work; nothing is produced or written re-entrantly. Failures
 * reported from inside Netty are handled in a later event-loop task. The range's last byte leaves only after every
 * file sent by {@code sendfile} is verified unchanged ({@link RegionBatcher.Batch#tail()}).
 */
final class ZeroCopyResponseWriter {

    private static final Logger LOG = Logger.getLogger(ZeroCopyResponseWriter.class);

    /**
     * Archive bytes written but not yet on the socket. Mostly file regions, which cost no memory (buffers have a
     * window of their own below), so the window is sized for few hops rather than for memory: 32 MiB against 8
     * made 40 % fewer futex calls and 18 % fewer context switches per request for 32 clients on {@code seedlike/}
     * (bench/README.md, 2026-12-02, third part).
     */
    static final long WINDOW_BYTES = 32L << 20;
    /**
     * The next batch is made once the bytes in flight fall to this: a few large batches rather than one per file
     * sent, since each batch costs a hop to a worker and back (two thread wake-ups), while the half window still
     * queued keeps the socket busy meanwhile.
     */
    static final long RESUME_BYTES = WINDOW_BYTES / 2;
    /** Of those, bytes in direct buffers (headers, small files): what a stalled download holds in memory. */
    static final int BUFFER_WINDOW_BYTES = 64 * 1024;
    static final int BUFFER_BYTES_PER_BATCH = 32 * 1024;
    /**
     * Of those, file regions: each holds its file open until it is on the socket, so this bounds the descriptors
     * a stalled download holds. Without it, 1,000 slow downloads of {@code seedlike/} (24 files in 36 MB, all
     * inside the byte window) held 24,000 files open and ran out of descriptors (bench figure f). The next batch
     * is made once half of them are sent.
     */
    static final int REGIONS_IN_FLIGHT = 8;

    private final ZeroCopyChannel channel;
    private final HttpServerResponse response;
    private final RegionBatcher batcher;
    private final DownloadTracker tracker;
    private final Executor batchWorkers;
    private final Executor blockingWorkers;
    private final Runnable onDone;
    private final EventExecutor eventLoop;

    private long inFlight;
    private long buffersInFlight;
    private int regionsInFlight;
    /** A worker is making the next batch; the batcher is then its alone. */
    private boolean producing;
    /** The next batch starts with a CRC-32 memory does not hold: it goes to the worker pool. */
    private boolean nextMayRead;
    private boolean lastQueued;
    private boolean finishing;
    private boolean done;
    /** A write failed while a batch was being made: tell why once the batcher is free again. */
    private boolean failureToClassify;
    /** The range's final byte, sent with the response's end once every file is verified. */
    private byte[] tail;

    /** Call on a worker thread: it looks at the archive's first piece. */
    ZeroCopyResponseWriter(ZeroCopyChannel channel, HttpServerResponse response, RegionBatcher batcher,
            DownloadTracker tracker, Executor batchWorkers, Executor blockingWorkers, Runnable onDone) {
        this.channel = channel;
        this.response = response;
        this.batcher = batcher;
        this.tracker = tracker;
        this.batchWorkers = batchWorkers;
        this.blockingWorkers = blockingWorkers;
        this.nextMayRead = batcher.nextMayRead(); // made on the request's worker thread, so it may look
        this.onDone = onDone;
        this.eventLoop = channel.eventLoop();
    }

    /** Starts sending; {@code whenEnded} registers a callback for the end of the exchange (true: it failed). */
    void start(Consumer<Consumer<Boolean>> whenEnded) {
        eventLoop.execute(() -> {
            whenEnded.accept(failed -> {
                if (failed) {
                    clientGone();
                }
            });
            if (response.closed()) {
                clientGone(); // hung up while the archive was planned: the handlers above will never fire
                return;
            }
            response.write(Buffer.buffer()); // the head, from the headers already set; the body follows raw
            // After the head, which leaves now if the socket has room: the first batch may wait for CRC-32s.
            channel.cork(true);
            pump();
        });
    }

    private void pump() {
        if (done || producing || lastQueued || !roomForABatch()) {
            return;
        }
        producing = true;
        long budget = WINDOW_BYTES - inFlight;
        int bufferBudget = (int) Math.min(BUFFER_BYTES_PER_BATCH, BUFFER_WINDOW_BYTES - buffersInFlight);
        int regionBudget = REGIONS_IN_FLIGHT - regionsInFlight;
        boolean mayRead = nextMayRead;
        (mayRead ? blockingWorkers : batchWorkers).execute(() -> {
            RegionBatcher.Batch batch;
            try {
                batch = batcher.next(channel.allocator(), budget, bufferBudget, regionBudget, mayRead);
            } catch (Throwable e) {
                eventLoop.execute(() -> productionFailed(e));
                return;
            }
            eventLoop.execute(() -> deliver(batch));
        });
    }

    private void deliver(RegionBatcher.Batch batch) {
        producing = false;
        nextMayRead = batch.nextMayRead();
        if (done) {
            batch.release();
            afterProductionStopped();
            return;
        }
        List<Object> messages = batch.messages();
        for (int i = 0; i < messages.size(); i++) {
            Object message = messages.get(i);
            long size = batch.sizes().get(i);
            boolean buffer = message instanceof ByteBuf;
            inFlight += size;
            buffersInFlight += buffer ? size : 0;
            regionsInFlight += buffer ? 0 : 1;
            channel.write(message, future -> written(message, size, buffer, future));
        }
        channel.flush();
        LOG.debugf("Archive %s: sent a batch of %d bytes in %d pieces", tracker.hash(), batch.bytes(),
                messages.size());
        if (batch.last()) {
            lastQueued = true;
            tail = batch.tail();
        }
        finishIfAllWritten();
        pump();
    }

    private void productionFailed(Throwable cause) {
        producing = false;
        if (done) {
            afterProductionStopped();
        } else {
            abort(cause);
        }
    }

    /** The download already ended while a batch was being made: now the batcher can be closed. */
    private void afterProductionStopped() {
        if (failureToClassify) {
            classifyWriteFailure();
        } else {
            closeBatcher();
        }
    }

    private void written(Object message, long size, boolean buffer, ChannelFuture future) {
        inFlight -= size;
        buffersInFlight -= buffer ? size : 0;
        regionsInFlight -= buffer ? 0 : 1;
        if (!future.isSuccess()) {
            // What the kernel took of a file cut off midway counts as sent: a region can be gigabytes, where a
            // buffer is a few KiB (released by now, so not looked at). Netty fails every message still queued
            // before the close reaches the writer's end handler, so this is counted before the download settles.
            if (message instanceof FileRegion region) {
                tracker.sent(region.transferred());
            }
            // Reported from inside Netty's write path: handle it once that call has returned.
            eventLoop.execute(this::writeFailed);
            return;
        }
        tracker.sent(size);
        if (lastQueued) {
            finishIfAllWritten();
        } else if (!producing && roomForABatch()) {
            eventLoop.execute(this::pump);
        }
    }

    private boolean roomForABatch() {
        return inFlight <= RESUME_BYTES && buffersInFlight <= BUFFER_WINDOW_BYTES - BUFFER_BYTES_PER_BATCH
                && regionsInFlight <= REGIONS_IN_FLIGHT / 2;
    }

    /**
     * Once all but the tail is on the socket (so {@code sendfile} has read every file), checks on a worker that
     * no file changed, then sends the tail with the response's end; a changed file aborts instead, and the client,
     * one byte short, sees a failed transfer. On the worker pool: one {@code stat} per file sent, unbounded work
     * (65,536 of them, or as many network round trips on NFS) that must not hold a batch thread.
     */
    private void finishIfAllWritten() {
        if (!lastQueued || inFlight != 0 || done || finishing) {
            return;
        }
        finishing = true;
        blockingWorkers.execute(() -> {
            try {
                batcher.verifyEverythingSent();
            } catch (Throwable e) {
                eventLoop.execute(() -> abort(e));
                return;
            }
            eventLoop.execute(this::sendTailAndEnd);
        });
    }

    private void sendTailAndEnd() {
        if (done) {
            return;
        }
        done = true;
        response.end(Buffer.buffer(tail)).onComplete(ended -> {
            if (ended.succeeded()) {
                tracker.sent(tail.length);
                tracker.completed();
            } else {
                tracker.cancelled();
            }
        });
        channel.cork(false); // the last partial segment now, and a keep-alive connection's next answer uncorked
        closeBatcher();
        onDone.run();
    }

    /** A file changed or could not be read: cut the connection so the client cannot take the archive as whole. */
    private void abort(Throwable cause) {
        if (done) {
            return;
        }
        done = true;
        tracker.failed(cause);
        response.reset();
        closeBatcher();
        onDone.run();
    }

    /**
     * A write failed: usually the client went away, but a file truncated under {@code sendfile} fails the same
     * way. The files tell which it was, so the failure is counted as the server's when one of them changed.
     */
    private void writeFailed() {
        if (done) {
            return;
        }
        done = true;
        if (producing) {
            failureToClassify = true; // the batcher is busy on a worker; deliver() comes back here
        } else {
            classifyWriteFailure();
        }
    }

    private void classifyWriteFailure() {
        blockingWorkers.execute(() -> { // the same checks as at the end: unbounded
            try {
                batcher.verifyEverythingSent();
                tracker.cancelled();
            } catch (Throwable e) {
                tracker.failed(e);
            }
            eventLoop.execute(() -> {
                response.reset();
                closeBatcher();
                onDone.run();
            });
        });
    }

    private void clientGone() {
        if (done) {
            return;
        }
        done = true;
        tracker.cancelled();
        if (!producing) {
            closeBatcher();
        }
        onDone.run();
    }

    private void closeBatcher() {
        batchWorkers.execute(() -> {
            try {
                batcher.close();
            } catch (IOException e) {
                LOG.debugf("Closing an archive's files failed: %s", e.getMessage());
            }
        });
    }
}
