package dev.zipstream.http;

import java.util.concurrent.atomic.AtomicInteger;

import jakarta.inject.Singleton;

import dev.zipstream.config.ServiceSettings;

/**
 * {@code MAX_CONCURRENT_DOWNLOADS} as slots taken before an archive is planned and given back when its exchange
 * ends, however it ends: a burst of requests cannot all pass the check while the first ones are still planning.
 */
@Singleton
public class DownloadSlots {

    private final int max;
    private final AtomicInteger taken = new AtomicInteger();

    public DownloadSlots(ServiceSettings settings) {
        this.max = settings.maxConcurrentDownloads();
    }

    /** Takes a slot if one is free (always, when unlimited). */
    boolean tryTake() {
        if (max == 0) {
            return true;
        }
        while (true) {
            int now = taken.get();
            if (now >= max) {
                return false;
            }
            if (taken.compareAndSet(now, now + 1)) {
                return true;
            }
        }
    }

    void giveBack() {
        if (max > 0) {
            taken.decrementAndGet();
        }
    }

    int taken() {
        return taken.get();
    }
}
