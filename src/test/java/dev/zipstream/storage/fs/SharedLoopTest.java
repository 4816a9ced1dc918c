package dev.zipstream.storage.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicIntegerArray;

import org.junit.jupiter.api.Test;

/** The loop the planner's look-ups run in, shared by pool threads and the thread that needs the results. */
class SharedLoopTest {

    @Test
    void everyIndexRunsExactlyOnceWhoeverHelps() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            for (int count : new int[] {0, 1, 63, 64, 65, 1000}) {
                AtomicIntegerArray runs = new AtomicIntegerArray(count);
                SharedLoop loop = new SharedLoop(count, runs::incrementAndGet);
                loop.offerTo(pool, 4);
                loop.finish();
                for (int i = 0; i < count; i++) {
                    assertEquals(1, runs.get(i), "index " + i + " of " + count);
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** With no pool thread free, the waiting thread runs everything itself instead of waiting for the pool. */
    @Test
    void theWaitingThreadFinishesAloneWhenThePoolIsBusy() {
        AtomicIntegerArray runs = new AtomicIntegerArray(500);
        SharedLoop loop = new SharedLoop(500, runs::incrementAndGet);
        loop.offerTo(task -> { }, 8); // a pool that never runs what it is given
        assertTimeoutPreemptively(Duration.ofSeconds(10), loop::finish);
        for (int i = 0; i < 500; i++) {
            assertEquals(1, runs.get(i));
        }
    }

    /** A failure on a pool thread reaches the waiting thread, which does not wait forever for its chunk. */
    @Test
    void aFailureInAHelperIsRethrownToTheWaitingThread() throws Exception {
        IllegalStateException failure = new IllegalStateException("look-up failed");
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            SharedLoop loop = new SharedLoop(10, i -> {
                throw failure;
            });
            pool.submit(loop::help).get();
            assertSame(failure, assertThrows(IllegalStateException.class,
                    () -> assertTimeoutPreemptively(Duration.ofSeconds(10), loop::finish)));
        } finally {
            pool.shutdownNow();
        }
    }
}
