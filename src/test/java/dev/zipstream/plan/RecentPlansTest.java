package dev.zipstream.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Queue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.github.benmanes.caffeine.cache.Ticker;

import dev.zipstream.Fixtures;
import dev.zipstream.storage.fs.FileSystemStorage;
import dev.zipstream.storage.fs.ServiceUserAccess;

/**
 * The recent plans: one planning serves the requests of the next seconds, a busy folder is planned anew in the
 * background, then an unused plan expires; failures are never kept, a failed download's plan is dropped, and the
 * bound on entries holds. Time is a fake clock and background work a queue, both moved by the test.
 */
class RecentPlansTest {

    private static final Duration KEEP = Duration.ofSeconds(2);

    @TempDir
    Path root;
    Path album;
    Path other;
    final AtomicLong nanos = new AtomicLong(1);
    final Ticker clock = nanos::get;
    final Queue<Runnable> background = new ArrayDeque<>();
    final AtomicInteger plannings = new AtomicInteger();
    RecentPlans.Planner<Path> scanner;

    @BeforeEach
    void folders() throws Exception {
        album = root.resolve("album");
        other = root.resolve("other");
        for (int i = 0; i < 3; i++) {
            Fixtures.write(album.resolve("photo" + i + ".jpg"), 1_000, i);
        }
        Fixtures.write(other.resolve("one.jpg"), 10, 9);
        ArchiveFolders files = new ArchiveFolders(new FileSystemStorage(root, ServiceUserAccess.forThisProcess()));
        scanner = folder -> {
            plannings.incrementAndGet();
            return files.plan(folder.getFileName().toString()).orElse(null);
        };
    }

    private RecentPlans<Path> plans(Duration keep, long maxEntries) {
        return new RecentPlans<>(scanner, keep, maxEntries, background::add, clock);
    }

    private void advance(double fractionOfKeep) {
        nanos.addAndGet(Math.round(KEEP.toNanos() * fractionOfKeep));
    }

    private void runBackground() {
        while (!background.isEmpty()) {
            background.poll().run();
        }
    }

    @Test
    void requestsWithinTheWindowShareOnePlan() throws Exception {
        RecentPlans<Path> plans = plans(KEEP, 1_000);
        ArchivePlan first = plans.plan(album);
        advance(0.4);
        assertSame(first, plans.plan(album));
        assertEquals(1, plannings.get());
        assertTrue(background.isEmpty(), "a young plan is not planned again");
    }

    @Test
    void aBusyFolderIsPlannedAnewInTheBackgroundAndTheNewPlanServed() throws Exception {
        RecentPlans<Path> plans = plans(KEEP, 1_000);
        ArchivePlan first = plans.plan(album);
        advance(0.6);
        assertSame(first, plans.plan(album), "the request does not wait for the new planning");
        assertSame(first, plans.plan(album));
        assertEquals(1, background.size(), "one planning ahead, however many requests");

        Fixtures.write(album.resolve("photo3.jpg"), 1_000, 3);
        runBackground();
        ArchivePlan renewed = plans.plan(album);
        assertEquals(2, plannings.get());
        assertEquals(first.entries().size() + 1, renewed.entries().size(), "the file added is in the new plan");
        assertNotEquals(first.etag(), renewed.etag());
        advance(0.6);
        assertSame(renewed, plans.plan(album), "the renewed plan lives its own time");
    }

    @Test
    void anUnusedPlanExpiresAndTheFolderIsPlannedAgain() throws Exception {
        RecentPlans<Path> plans = plans(KEEP, 1_000);
        ArchivePlan first = plans.plan(album);
        advance(1.01);
        assertNotSame(first, plans.plan(album));
        assertEquals(2, plannings.get());
    }

    @Test
    void aPlanIsNotKeptAliveByUseAlone() throws Exception {
        RecentPlans<Path> plans = plans(KEEP, 1_000);
        ArchivePlan first = plans.plan(album);
        for (int i = 0; i < 4; i++) {
            advance(0.3); // the background planning is queued but never runs
            plans.plan(album);
        }
        assertNotSame(first, plans.plan(album));
        assertEquals(2, plannings.get(), "planned at 0 and again after 2 seconds, however often it was asked");
        runBackground();
        assertEquals(2, plannings.get(), "the request took over the queued planning: it does not run again");
    }

    @Test
    void foldersAreKeptApart() throws Exception {
        RecentPlans<Path> plans = plans(KEEP, 1_000);
        assertNotEquals(plans.plan(album).etag(), plans.plan(other).etag());
        plans.plan(album);
        plans.plan(other);
        assertEquals(2, plannings.get());
    }

    @Test
    void aFailureIsNotKept() throws Exception {
        RecentPlans<Path> plans = plans(KEEP, 1_000);
        Path missing = root.resolve("missing");
        assertNull(plans.plan(missing), "no such folder");
        Fixtures.write(missing.resolve("now.jpg"), 10, 1);
        assertEquals(1, plans.plan(missing).entries().size(), "planned again, not the failure replayed");
        assertEquals(2, plannings.get());
    }

    @Test
    void aFolderThatFailsToPlanInTheBackgroundIsNoLongerServed() throws Exception {
        RecentPlans<Path> plans = plans(KEEP, 1_000);
        plans.plan(other);
        advance(0.6);
        plans.plan(other);
        try (Stream<Path> files = Files.walk(other)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
        runBackground();
        assertNull(plans.plan(other), "no longer served");
    }

    @Test
    void aForgottenPlanIsPlannedAgainButANewerOneIsNotForgotten() throws Exception {
        RecentPlans<Path> plans = plans(KEEP, 1_000);
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
        RecentPlans<Path> plans = plans(KEEP, 5);
        plans.plan(album);
        plans.plan(other);
        plans.plan(album);
        plans.plan(other);
        assertTrue(plannings.get() >= 3, "one of the two was evicted: " + plannings.get() + " plannings");
    }

    @Test
    void zeroSecondsPlansEveryRequest() throws Exception {
        RecentPlans<Path> plans = plans(Duration.ZERO, 1_000);
        plans.plan(album);
        plans.plan(album);
        assertEquals(2, plannings.get());
    }
}
