package dev.zipstream.http;

import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import org.jboss.logging.Logger;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import dev.zipstream.observability.LogText;

/**
 * {@code NOT_FOUND_LIMIT}: each client may get that many not-found answers in any minute; once it has, it gets
 * 429 for every archive request until its oldest miss in the window is a minute old. The window slides exactly:
 * each client keeps the times of its last {@code limit} misses, in a ring.
 *
 * <p>Clients live in a Caffeine cache bounded by weight (about {@value #HEAP_BUDGET_BYTES} bytes in all; the
 * least valuable, usually the oldest, are evicted first) and dropped a minute after their last miss, when there
 * is nothing left to count. An evicted client starts afresh: the bound trades exactness for memory, never lets
 * memory grow with the number of guessers. Thread-safe.
 */
public final class NotFoundThrottle {

    private static final Logger LOG = Logger.getLogger(NotFoundThrottle.class);
    static final long WINDOW_NANOS = TimeUnit.MINUTES.toNanos(1);
    static final long HEAP_BUDGET_BYTES = 4L << 20;

    private final int limit;
    private final LongSupplier nanoClock;
    private final Cache<String, Misses> clients;

    /** @param limit misses per client per minute; 0 turns throttling off */
    public NotFoundThrottle(int limit, LongSupplier nanoClock) {
        this.limit = limit;
        this.nanoClock = nanoClock;
        int entryBytes = 96 + 8 * Math.max(limit, 1);
        this.clients = Caffeine.newBuilder()
                .maximumWeight(HEAP_BUDGET_BYTES)
                .weigher((String client, Misses misses) -> entryBytes + 2 * client.length())
                .expireAfterWrite(Duration.ofNanos(WINDOW_NANOS))
                .ticker(nanoClock::getAsLong)
                .build();
    }

    public boolean enabled() {
        return limit > 0;
    }

    /** Seconds until {@code client} may ask again, if it is throttled now. */
    public OptionalLong retryAfterSeconds(String client) {
        if (!enabled()) {
            return OptionalLong.empty();
        }
        Misses misses = clients.getIfPresent(client);
        return misses == null ? OptionalLong.empty() : misses.retryAfterSeconds(nanoClock.getAsLong());
    }

    /** Counts a not-found answer given to {@code client}. */
    public void miss(String client) {
        if (!enabled()) {
            return;
        }
        long now = nanoClock.getAsLong();
        Misses misses = clients.asMap().computeIfAbsent(client, c -> new Misses(limit));
        if (misses.add(now)) {
            LOG.warnf("Client %s throttled: %d not-found answers within a minute (NOT_FOUND_LIMIT); it gets 429"
                    + " until its rate falls", LogText.of(client), limit);
        }
        clients.put(client, misses); // a write: the client is kept a minute past its last miss
    }

    /** The times of one client's last {@code limit} misses, oldest first from {@code next}. */
    private static final class Misses {
        private final long[] times;
        private int count;
        private int next;

        Misses(int limit) {
            times = new long[limit];
        }

        /** Records a miss; true when this one brings the client to the limit. */
        synchronized boolean add(long now) {
            boolean wasFull = full(now);
            times[next] = now;
            next = (next + 1) % times.length;
            count = Math.min(count + 1, times.length);
            return !wasFull && full(now);
        }

        synchronized OptionalLong retryAfterSeconds(long now) {
            if (!full(now)) {
                return OptionalLong.empty();
            }
            long wait = times[next] + WINDOW_NANOS - now;
            return OptionalLong.of(Math.max(1, (wait + 999_999_999) / 1_000_000_000));
        }

        /** Whether the last {@code limit} misses all fall within the window ending now. */
        private boolean full(long now) {
            return count == times.length && now - times[next] < WINDOW_NANOS;
        }
    }
}
