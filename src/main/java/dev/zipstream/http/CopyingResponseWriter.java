package dev.zipstream.http;

import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.concurrent.atomic.AtomicInteger;

import org.jboss.logging.Logger;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.subscription.MultiSubscriber;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;

import dev.zipstream.observability.DownloadTracker;

/**
 * Writes a {@code Multi<Buffer>} to a Vert.x response whose {@code Content-Length} is already set. At most
 * {@link #CHUNKS_IN_FLIGHT} chunks are requested or being written at once, and a chunk counts until its write has
 * reached the socket, so a stalled client holds that many chunks and no thread. (Checking the write queue right
 * after a write is not enough: a write from a worker thread reaches the channel later, on the event loop.) A
 * client hang-up cancels the stream, which closes its files; a failure resets the connection, so the client sees
 * a broken transfer, never a complete-looking archive.
 */
final class CopyingResponseWriter implements MultiSubscriber<Buffer> {

    private static final Logger LOG = Logger.getLogger(CopyingResponseWriter.class);

    /** Enough to keep production and the socket busy at once; each chunk is CHUNK_SIZE bytes. */
    static final int CHUNKS_IN_FLIGHT = 3;
    /** For a chunked response, whose length is known only at its end. */
    static final long UNKNOWN_LENGTH = -1;

    private final HttpServerResponse response;
    private final long expectedBytes;
    private final DownloadTracker tracker;
    private final Runnable onDone;
    /** Chunks requested but not arrived, plus chunks written but not yet on the socket. */
    private final AtomicInteger outstanding = new AtomicInteger();
    private final AtomicBoolean done = new AtomicBoolean();
    private volatile boolean ended;
    /** Bytes handed to the response (written or not); onItem calls are sequential, so no atomic is needed. */
    private volatile long queued;
    private volatile Flow.Subscription subscription;
    /** The latest chunk's write: writes complete in order, so its success means every byte reached the socket. */
    private volatile Future<Void> lastWrite = Future.succeededFuture();

    CopyingResponseWriter(HttpServerResponse response, long expectedBytes, DownloadTracker tracker,
            Runnable onDone) {
        this.response = response;
        this.expectedBytes = expectedBytes;
        this.tracker = tracker;
        this.onDone = onDone;
    }

    /** Starts sending; {@code whenEnded} registers a callback for the end of the exchange (true: it failed). */
    void start(Multi<Buffer> chunks, Consumer<Consumer<Boolean>> whenEnded) {
        whenEnded.accept(failed -> {
            if (failed) {
                clientGone();
            }
        });
        if (response.closed()) {
            clientGone(); // hung up while the archive was planned: the handlers above will never fire
            return;
        }
        chunks.subscribe().withSubscriber(this);
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        if (done.get()) {
            s.cancel();
        } else {
            requestUpToLimit();
        }
    }

    @Override
    public void onItem(Buffer chunk) {
        if (done.get()) {
            return;
        }
        int length = chunk.length();
        Future<Void> write;
        try {
            // The last chunk ends the response in the same write: a client that closes the moment it has every
            // byte then finds the response already ended (and HTTP metrics record a 200, not a reset).
            boolean lastChunk = expectedBytes != UNKNOWN_LENGTH && queued + length == expectedBytes;
            write = lastChunk ? response.end(chunk) : response.write(chunk);
            ended |= lastChunk;
        } catch (IllegalStateException closed) {
            clientGone();
            return;
        }
        lastWrite = write;
        queued += length;
        LOG.debugf("Archive %s: sent a chunk of %d bytes (%d in all)", tracker.hash(), length, queued);
        write.onComplete(written -> {
            outstanding.decrementAndGet();
            if (written.succeeded()) {
                tracker.sent(length);
                requestUpToLimit();
            } else {
                clientGone(); // a write to a connection that closed fails without calling the close handler
            }
        });
    }

    private void requestUpToLimit() {
        while (!done.get()) {
            int now = outstanding.get();
            if (now >= CHUNKS_IN_FLIGHT) {
                return;
            }
            if (outstanding.compareAndSet(now, now + 1)) {
                subscription.request(1);
            }
        }
    }
    @Override
    public void onFailure(Throwable failure) {
        if (done.compareAndSet(false, true)) {
            tracker.failed(failure);
            response.reset();
            onDone.run();
        }
    }

    @Override
    public void onCompletion() {
        if (done.compareAndSet(false, true)) {
            try {
                if (!ended) {
                    response.end();
                }
            } catch (IllegalStateException closed) {
                // The client is gone; the last write's outcome tells whether it had everything.
            }
            settleByLastWrite(true);
        }
    }

    private void clientGone() {
        if (done.compareAndSet(false, true)) {
            Flow.Subscription s = subscription;
            if (s != null) {
                s.cancel();
            }
            settleByLastWrite(false);
        }
    }

    /**
     * Completed if every byte was written to the socket, even when the client closed the connection the moment
     * it had them all (curl does, before the response's final empty write); cancelled otherwise.
     */
    private void settleByLastWrite(boolean streamEnded) {
        lastWrite.onComplete(written -> {
            boolean everything = expectedBytes == UNKNOWN_LENGTH ? streamEnded : queued == expectedBytes;
            if (written.succeeded() && everything) {
                tracker.completed();
            } else {
                tracker.cancelled();
            }
            onDone.run();
        });
    }
}
