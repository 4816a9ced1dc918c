package dev.zipstream.config;

import java.util.concurrent.Executor;

/**
 * Hands each task to another executor and lets go of it once it has run. A thread of Quarkus' worker pool (JBoss
 * Threads) keeps the last task it ran on its stack while it waits for the next one, and a task of a download or
 * of a planning reaches the plan of a whole folder: for 65,536 files about 20 MB, kept alive per idle thread.
 * JFR's old-object sampler found exactly that (a finished renewal's plan, held by an idle {@code executor-thread}
 * as a stack variable), with three plans of one folder live after every download had ended.
 */
final class ReleasingExecutor implements Executor {

    private final Executor pool;

    ReleasingExecutor(Executor pool) {
        this.pool = pool;
    }

    @Override
    public void execute(Runnable task) {
        pool.execute(new RunOnce(task));
    }

    /** What the pool holds on to: after the run, nothing of the task. */
    private static final class RunOnce implements Runnable {
        private Runnable task;

        RunOnce(Runnable task) {
            this.task = task;
        }

        @Override
        public void run() {
            Runnable running = task;
            task = null;
            running.run();
        }
    }
}
