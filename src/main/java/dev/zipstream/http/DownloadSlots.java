package dev.zipstream.http;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.inject.Singleton;

import dev.zipstream.config.ServiceSettings;

/**
 * {@code MAX_CONCURRENT_DOWNLOADS} as slots taken before an archive is planned and given back when its exchange
 * ends, however it ends: a burst of requests cannot all pass the check while the first ones are still planning.
 * A slot is given back by whichever comes first of the exchange's end and its download's (see
 * {@link ArchiveResource}), and only once.
 */
@Singleton
public class DownloadSlots {

    private final int max;
    private final AtomicInteger taken = new AtomicInteger();

    public DownloadSlots(ServiceSettings settings) {
        this.max = settings.maxConcurrentDownloads();
    }

    /**
     * Takes a slot if one is free (always, when unlimited): returns what gives it back, which does so the first
     * time it runs and never again; null when no slot is free.
     */
    Runnable tryTake() {
        if (max == 0) {
            return () -> { };
        }
        while (true) {
            int now = taken.get();
            if (now >= max) {
                return null;
            }
            if (taken.compareAndSet(now, now + 1)) {
                AtomicBoolean givenBack = new AtomicBoolean();
                return () -> {
                    if (givenBack.compareAndSet(false, true)) {
                        taken.decrementAndGet();
                    }
                };
            }
        }
    }

    int taken() {
        return taken.get();
    }
}
