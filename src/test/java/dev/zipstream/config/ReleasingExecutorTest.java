package dev.zipstream.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.ref.WeakReference;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.jboss.threads.EnhancedQueueExecutor;
import org.junit.jupiter.api.Test;

/**
 * A task run through {@link ReleasingExecutor} leaves nothing it captured reachable from a pool that keeps its last
 * task, as an idle JBoss Threads worker does on its stack: otherwise a finished download or planning keeps the
 * plan of a whole folder alive.
 */
class ReleasingExecutorTest {

    /** Runs each task at once and keeps it, as an idle worker keeps the last task it ran. */
    static final class KeepsLastTask implements Executor {
        Runnable last;

        @Override
        public void execute(Runnable task) {
            last = task;
            task.run();
        }
    }

    @Test
    void aPoolThatKeepsItsLastTaskKeepsWhatTheTaskCapturedUnlessReleased() {
        KeepsLastTask pool = new KeepsLastTask();
        WeakReference<Object> kept = runCapturing(pool);
        assertNotNull(afterGc(kept), "the pool's last task still holds what it captured");

        WeakReference<Object> released = runCapturing(new ReleasingExecutor(pool));
        assertNull(afterGc(released), "released once run, though the pool still holds the task it was given");
    }

    @Test
    void everyTaskRunsOnceOnAJBossThreadsPoolAsQuarkusWorkerPoolIs() throws Exception {
        EnhancedQueueExecutor pool = new EnhancedQueueExecutor.Builder().setCorePoolSize(2).setMaximumPoolSize(2)
                .build();
        try {
            Executor releasing = new ReleasingExecutor(pool);
            AtomicInteger runs = new AtomicInteger();
            CountDownLatch done = new CountDownLatch(100);
            for (int i = 0; i < 100; i++) {
                releasing.execute(() -> {
                    runs.incrementAndGet();
                    done.countDown();
                });
            }
            assertTrue(done.await(5, TimeUnit.SECONDS));
            Thread.sleep(50);
            assertEquals(100, runs.get());
        } finally {
            pool.shutdownNow();
        }
    }

    /** Runs a task that captures a new object, and returns a weak reference to that object. */
    private static WeakReference<Object> runCapturing(Executor executor) {
        Object plan = new byte[1 << 20];
        WeakReference<Object> reference = new WeakReference<>(plan);
        CountDownLatch ran = new CountDownLatch(1);
        executor.execute(() -> {
            Objects.requireNonNull(plan);
            ran.countDown();
        });
        try {
            ran.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return reference;
    }

    private static Object afterGc(WeakReference<Object> reference) {
        for (int i = 0; i < 10 && reference.get() != null; i++) {
            System.gc();
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return reference.get();
    }
}
