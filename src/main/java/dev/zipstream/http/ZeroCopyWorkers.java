package dev.zipstream.http;

import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The few threads that make zero-copy batches ({@code ZERO_COPY_THREADS}, one per core by default). A batch is
 * short, bounded work (opening files, building headers, reading small files), so a queue in front of as many threads
 * as there are cores keeps the CPU as busy as a thread per download would, while a new request's thread on the
 * worker pool competes with a handful of runnable threads rather than one per download: under 64 saturating
 * segment downloads (bench/run.sh figure g), {@code HEAD} p50 went from 86 ms to 6 ms. Work that may wait on long
 * reads (a CRC-32 memory does not hold, the check of every file sent at a download's end) is never queued here,
 * so one cold file or one slow volume cannot hold up every other download's batches.
 */
public final class ZeroCopyWorkers implements Executor {

    private static final long IDLE_SECONDS = 60;

    private final ThreadPoolExecutor pool;

    /** {@code threads}: 0 for one per CPU core the JVM sees. */
    public ZeroCopyWorkers(int threads) {
        int size = threads > 0 ? threads : Math.max(1, Runtime.getRuntime().availableProcessors());
        this.pool = new ThreadPoolExecutor(size, size, IDLE_SECONDS, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                namedDaemons());
        // Idle threads end, so a service (or a test) that stops sending leaves none behind.
        pool.allowCoreThreadTimeOut(true);
    }

    @Override
    public void execute(Runnable batch) {
        pool.execute(batch);
    }

    /** How many threads make batches. */
    public int threads() {
        return pool.getMaximumPoolSize();
    }

    private static ThreadFactory namedDaemons() {
        AtomicInteger count = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, "zero-copy-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
