package dev.zipstream.plan;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

import org.jboss.logging.Logger;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;

import dev.zipstream.storage.ArchiveFolderException;

/**
 * Plans a folder once and serves that plan to every request for the same folder in the next few seconds: the
 * {@code HEAD}, the segments of a download manager, a {@code 304} check and the {@code GET} that follows would
 * otherwise each walk and stat the whole folder again (65,536 files: about 0.4 s each).
 *
 * <p>Safe because a plan is never trusted for file bytes: every read checks that it read the planned version (the
 * file's stamp against the plan's, or for a small file read whole by the zero-copy path, its bytes' CRC-32 against
 * the one its header was sent with) and aborts the transfer otherwise, and every answer carries the ETag of the
 * plan it was made from, so it is
 * always a slice of the archive that ETag names. A kept plan can only be late: a file added or removed shows
 * up at most {@code PLAN_CACHE_SECONDS} after the change, and a download that fails on a changed file drops the
 * plan at once, so the next request plans afresh and gets the new archive under its new ETag.
 *
 * <p>Bounded: plans expire that long after they were made (never kept alive by use), and all kept plans together
 * hold at most {@code PLAN_CACHE_ENTRIES} entries (least recently used first out). Requests for a folder that is
 * being planned wait for that one planning rather than starting their own. Planning failures are not kept. A
 * folder asked for again in the second half of its plan's life is planned anew in the background, so the
 * requests for a busy folder (every segment of a download manager) never wait for its planning.
 */
public final class RecentPlans<K> {

    /**
     * What makes the plan of a folder, named by a key (today the located folder's real path; whatever names a
     * folder to another storage).
     */
    @FunctionalInterface
    public interface Planner<K> {
        /** The folder's plan, or null when there is no such folder (a "no" is never kept). */
        ArchivePlan plan(K folder) throws ArchiveFolderException;
    }

    private static final Logger LOG = Logger.getLogger(RecentPlans.class);

    private final Planner<K> planner;
    private final Cache<K, ArchivePlan> plans;
    private final Duration refreshAfter;
    private final Executor background;
    /** The plannings ahead of time queued or in progress: a request that finds its plan expired joins one. */
    private final Map<K, Renewal> ahead = new ConcurrentHashMap<>();

    /**
     * @param keepFor how long a plan is served after it was made; zero plans every request afresh
     * @param maxEntries most archive entries all kept plans may hold together
     * @param background where a busy folder is planned anew ahead of its plan's expiry (blocking work)
     */
    public RecentPlans(Planner<K> planner, Duration keepFor, long maxEntries, Executor background) {
        this(planner, keepFor, maxEntries, background, Ticker.systemTicker());
    }

    RecentPlans(Planner<K> planner, Duration keepFor, long maxEntries, Executor background, Ticker ticker) {
        this.planner = planner;
        this.refreshAfter = keepFor.dividedBy(2);
        this.background = background;
        this.plans = keepFor.isZero() || maxEntries == 0 ? null
                : Caffeine.newBuilder().expireAfterWrite(keepFor).maximumWeight(maxEntries)
                        .<K, ArchivePlan>weigher((folder, plan) -> plan.entries().size() + 1)
                        .ticker(ticker).executor(Runnable::run).build();
    }

    /** The plan of a folder: a recent one if there is one, else a new one; null if there is no such folder. */
    public ArchivePlan plan(K folder) throws ArchiveFolderException {
        if (plans == null) {
            return planner.plan(folder);
        }
        ArchivePlan plan;
        try {
            plan = plans.get(folder, this::planUnchecked);
        } catch (PlanningFailed e) {
            throw e.getCause();
        }
        Optional<Duration> age = plans.policy().expireAfterWrite().flatMap(expiry -> expiry.ageOf(folder));
        if (age.isPresent() && age.get().compareTo(refreshAfter) >= 0) {
            Renewal renewal = new Renewal();
            if (ahead.putIfAbsent(folder, renewal) == null) {
                background.execute(() -> renewInBackground(folder, renewal));
            }
        }
        return plan;
    }

    /**
     * One planning ahead of time, run by whoever claims it first: the background task, or a request that finds
     * the plan expired before the task started (so requests never wait for a task queued behind themselves).
     */
    private static final class Renewal {
        final AtomicBoolean claimed = new AtomicBoolean();
        final CompletableFuture<ArchivePlan> result = new CompletableFuture<>();
    }

    private void renewInBackground(K folder, Renewal renewal) {
        if (!renewal.claimed.compareAndSet(false, true)) {
            return;
        }
        try {
            ArchivePlan plan = planner.plan(folder);
            // Completed before it is stored: a request waiting for it may hold the cache's lock on this folder.
            renewal.result.complete(plan);
            if (plan == null) {
                plans.invalidate(folder); // gone since: its next request answers 404
            } else {
                plans.put(folder, plan);
            }
        } catch (ArchiveFolderException | RuntimeException e) {
            renewal.result.completeExceptionally(e);
            // The next request plans it in its own time and answers the failure as it should.
            plans.invalidate(folder);
            LOG.debugf("Planning %s ahead of time failed: %s", folder, e.getMessage());
        } finally {
            ahead.remove(folder, renewal);
        }
    }

    /** Stops serving this plan (if it is still the recent one of its folder): a download of it found a change. */
    public void forget(ArchivePlan plan) {
        if (plans != null) {
            plans.asMap().values().remove(plan);
        }
    }

    private ArchivePlan planUnchecked(K folder) {
        Renewal renewal = ahead.get(folder);
        if (renewal != null && !renewal.claimed.compareAndSet(false, true)) {
            try {
                return renewal.result.join(); // under way: sooner than starting over
            } catch (CompletionException failed) {
                // planned below, so that this request reports its own failure
            }
        }
        try {
            ArchivePlan plan = planner.plan(folder);
            if (renewal != null) {
                renewal.result.complete(plan);
            }
            return plan;
        } catch (ArchiveFolderException e) {
            if (renewal != null) {
                renewal.result.completeExceptionally(e);
            }
            throw new PlanningFailed(e);
        } catch (RuntimeException e) {
            if (renewal != null) {
                renewal.result.completeExceptionally(e);
            }
            throw e;
        } finally {
            if (renewal != null) {
                ahead.remove(folder, renewal);
            }
        }
    }

    /** Carries a planning failure through the cache's loader, which may throw only unchecked exceptions. */
    private static final class PlanningFailed extends RuntimeException {
        PlanningFailed(ArchiveFolderException cause) {
            super(cause);
        }

        @Override
        public synchronized ArchiveFolderException getCause() {
            return (ArchiveFolderException) super.getCause();
        }
    }
}
