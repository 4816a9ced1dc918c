package dev.zipstream.observability;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.jboss.logging.Logger;

/**
 * One download from its first to its last byte: counts what was sent and settles exactly once as completed,
 * cancelled (the client hung up) or failed (the server aborted), which updates the meters and writes the
 * download's one access-log line.
 */
public final class DownloadTracker {

    private static final Logger LOG = Logger.getLogger(DownloadTracker.class);
    private static final Logger ACCESS = Logger.getLogger("dev.zipstream.access");

    public enum Outcome {
        COMPLETED, CANCELLED, FAILED
    }

    private final ArchiveMetrics metrics;
    private final String hash;
    private final String range;
    private final long startNanos;
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicBoolean settled = new AtomicBoolean();
    private volatile Runnable onFailure = () -> { };
    private volatile Runnable onSettled = () -> { };

    DownloadTracker(ArchiveMetrics metrics, String hash, String range, long startNanos) {
        this.metrics = metrics;
        this.hash = hash;
        this.range = range;
        this.startNanos = startNanos;
    }

    public String hash() {
        return hash;
    }

    /** Also runs this, before the connection is cut, if the download fails (e.g. to drop a stale plan). */
    public DownloadTracker whenFailed(Runnable action) {
        this.onFailure = action;
        return this;
    }

    /** Also runs this once the download has settled, however (e.g. to give back its download slot). */
    public DownloadTracker whenSettled(Runnable action) {
        this.onSettled = action;
        return this;
    }

    public void sent(long count) {
        bytes.addAndGet(count);
    }

    public void completed() {
        settle(Outcome.COMPLETED, null);
    }

    /** The client went away before the last byte. */
    public void cancelled() {
        if (settle(Outcome.CANCELLED, null)) {
            LOG.infof("Download was interrupted: archive %s, %d bytes sent", hash, bytes.get());
        }
    }

    /** The server had to abort the download: the client sees a failed transfer, never a complete-looking one. */
    public void failed(Throwable cause) {
        if (settle(Outcome.FAILED, cause)) {
            onFailure.run();
            LOG.errorf("Download aborted: archive %s after %d bytes: %s", hash, bytes.get(), describe(cause));
            LOG.debug("Cause of the aborted download", cause);
        }
    }

    private boolean settle(Outcome outcome, Throwable cause) {
        if (!settled.compareAndSet(false, true)) {
            return false;
        }
        long nanos = System.nanoTime() - startNanos;
        metrics.finished(outcome, bytes.get(), nanos);
        ACCESS.infof("archive=%s range=%s bytes=%d duration_ms=%d outcome=%s", hash, range, bytes.get(),
                nanos / 1_000_000, outcome.name().toLowerCase());
        onSettled.run();
        return true;
    }

    private static String describe(Throwable cause) {
        return cause == null ? "" : cause.getClass().getSimpleName() + ": " + LogText.of(cause.getMessage());
    }
}
