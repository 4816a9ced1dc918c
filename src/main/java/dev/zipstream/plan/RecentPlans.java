package dev.zipstream.plan;

import java.nio.file.Path;
import java.time.Duration;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;

/**
 * Plans a folder once and serves that plan to every request for the same folder in the next few seconds: the
 * {@code HEAD}, the segments of a download manager, a {@code 304} check and the {@code GET} that follows would
 * otherwise each walk and stat the whole folder again (65,536 files: about 0.4 s each).
 *
 * <p>Safe because a plan is never trusted for file bytes: every read checks the file's stamp against the plan
 * and aborts the transfer on a change, and every answer carries the ETag of the plan it was made from, so it is
 * always a slice of the archive that ETag names. A kept plan can only be late: a file added or removed shows
 * up at most {@code PLAN_CACHE_SECONDS} after the change, and a download that fails on a changed file drops the
 * plan at once, so the next request plans afresh and gets the new archive under its new ETag.
 *
 * <p>Bounded: plans expire that long after they were made (never refreshed by use), and all kept plans together
 * hold at most {@code PLAN_CACHE_ENTRIES} entries (least recently used first out). Requests for a folder that is
 * being planned wait for that one planning rather than starting their own. Planning failures are not kept.
 */
public final class RecentPlans {

    /** What makes a plan of a located folder (the file system's today; another storage's later). */
    @FunctionalInterface
    public interface Planner {
        ArchivePlan plan(Path folder) throws ArchiveFolderException;
    }

    private final Planner planner;
    private final Cache<Path, ArchivePlan> plans;

    /**
     * @param keepFor how long a plan is served after it was made; zero plans every request afresh
     * @param maxEntries most archive entries all kept plans may hold together
     */
    public RecentPlans(Planner planner, Duration keepFor, long maxEntries) {
        this(planner, keepFor, maxEntries, Ticker.systemTicker());
    }

    RecentPlans(Planner planner, Duration keepFor, long maxEntries, Ticker ticker) {
        this.planner = planner;
        this.plans = keepFor.isZero() || maxEntries == 0 ? null
                : Caffeine.newBuilder().expireAfterWrite(keepFor).maximumWeight(maxEntries)
                        .<Path, ArchivePlan>weigher((folder, plan) -> plan.entries().size() + 1)
                        .ticker(ticker).executor(Runnable::run).build();
    }

    /** The plan of a located folder: a recent one if there is one, else a new one. Blocking. */
    public ArchivePlan plan(Path folder) throws ArchiveFolderException {
        if (plans == null) {
            return planner.plan(folder);
        }
        try {
            return plans.get(folder, this::planUnchecked);
        } catch (PlanningFailed e) {
            throw e.getCause();
        }
    }

    /** Stops serving this plan (if it is still the recent one of its folder): a download of it found a change. */
    public void forget(ArchivePlan plan) {
        if (plans != null) {
            plans.asMap().values().remove(plan);
        }
    }

    private ArchivePlan planUnchecked(Path folder) {
        try {
            return planner.plan(folder);
        } catch (ArchiveFolderException e) {
            throw new PlanningFailed(e);
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
