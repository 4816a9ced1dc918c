package dev.zipstream.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.github.benmanes.caffeine.cache.Ticker;

import dev.zipstream.Fixtures;

/**
 * The recent plans: one planning serves the requests of the next seconds, then the folder is planned again;
 * failures are never kept, a failed download's plan is dropped, and the bound on entries holds. Time is a fake
 * clock moved by the test, so nothing here waits.
 */
class RecentPlansTest {

    private static final Duration KEEP = Duration.ofSeconds(2);

    @TempDir
    Path root;
    Path album;
    Path other;
    final AtomicLong nanos = new AtomicLong(1);
    final Ticker clock = nanos::get;
    final AtomicInteger plannings = new AtomicInteger();
    RecentPlans.Planner scanner;

    @BeforeEach
    void folders() throws Exception {
        album = root.resolve("album");
        other = root.resolve("other");
        for (int i = 0; i < 3; i++) {
            Fixtures.write(album.resolve("photo" + i + ".jpg"), 1_000, i);
        }
        Fixtures.write(other.resolve("one.jpg"), 10, 9);
        FolderScanner files = new FolderScanner(root.toRealPath());
        scanner = folder -> {
            plannings.incrementAndGet();
            return files.plan(folder);
        };
    }

    @Test
    void requestsWithinTheWindowShareOnePlanAndALaterOnePlansAgain() throws Exception {
        RecentPlans plans = new RecentPlans(scanner, KEEP, 1_000, clock);
        ArchivePlan first = plans.plan(album);
        nanos.addAndGet(KEEP.toMillis() * 900_000);
        assertSame(first, plans.plan(album));
        assertEquals(1, plannings.get());

        Fixtures.write(album.resolve("photo3.jpg"), 1_000, 3);
        nanos.addAndGet(KEEP.toMillis() * 100_000);
        ArchivePlan later = plans.plan(album);
        assertEquals(2, plannings.get());
        assertEquals(first.entries().size() + 1, later.entries().size(), "the file added is in the new plan");
        assertNotEquals(first.etag(), later.etag());
    }

    @Test
    void useDoesNotKeepAPlanAliveBeyondItsWindow() throws Exception {
        RecentPlans plans = new RecentPlans(scanner, KEEP, 1_000, clock);
        ArchivePlan first = plans.plan(album);
        for (int i = 0; i < 4; i++) {
            nanos.addAndGet(KEEP.toNanos() / 2);
            plans.plan(album);
        }
        assertNotSame(first, plans.plan(album));
        assertEquals(3, plannings.get(), "planned at 0, 2 and 4 seconds, however often it was asked");
    }

    @Test
    void foldersAreKeptApart() throws Exception {
        RecentPlans plans = new RecentPlans(scanner, KEEP, 1_000, clock);
        assertNotEquals(plans.plan(album).etag(), plans.plan(other).etag());
        plans.plan(album);
        plans.plan(other);
        assertEquals(2, plannings.get());
    }

    @Test
    void aFailureIsNotKept() throws Exception {
        RecentPlans plans = new RecentPlans(scanner, KEEP, 1_000, clock);
        Path missing = root.resolve("missing");
        assertThrows(ArchiveFolderException.Unreadable.class, () -> plans.plan(missing));
        Fixtures.write(missing.resolve("now.jpg"), 10, 1);
        assertEquals(1, plans.plan(missing).entries().size(), "planned again, not the failure replayed");
        assertEquals(2, plannings.get());
    }

    @Test
    void aForgottenPlanIsPlannedAgainButANewerOneIsNotForgotten() throws Exception {
        RecentPlans plans = new RecentPlans(scanner, KEEP, 1_000, clock);
        ArchivePlan first = plans.plan(album);
        plans.forget(first);
        ArchivePlan second = plans.plan(album);
        assertNotSame(first, second);
        plans.forget(first); // a late failure of a download of the older plan
        assertSame(second, plans.plan(album));
        assertEquals(2, plannings.get());
    }

    @Test
    void keptPlansHoldNoMoreEntriesThanTheBound() throws Exception {
        // album has 3 entries (weight 4), other 1 (weight 2): both do not fit in 5
        RecentPlans plans = new RecentPlans(scanner, KEEP, 5, clock);
        plans.plan(album);
        plans.plan(other);
        plans.plan(album);
        plans.plan(other);
        assertTrue(plannings.get() >= 3, "one of the two was evicted: " + plannings.get() + " plannings");
    }

    @Test
    void zeroSecondsPlansEveryRequest() throws Exception {
        RecentPlans plans = new RecentPlans(scanner, Duration.ZERO, 1_000, clock);
        plans.plan(album);
        plans.plan(album);
        assertEquals(2, plannings.get());
    }
}
