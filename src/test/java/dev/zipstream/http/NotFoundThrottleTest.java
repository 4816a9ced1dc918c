package dev.zipstream.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

/** The sliding minute, on a clock the test moves (no waiting). */
class NotFoundThrottleTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final NotFoundThrottle throttle = new NotFoundThrottle(30, now::get);

    @Test
    void theThirtyFirstRequestAfterThirtyMissesInAMinuteIsThrottledUntilTheOldestAges() {
        for (int i = 0; i < 30; i++) {
            assertTrue(throttle.retryAfterSeconds("a").isEmpty(), "miss " + (i + 1) + " is answered");
            throttle.miss("a");
            advance(1_000); // one a second
        }
        OptionalLong retry = throttle.retryAfterSeconds("a");
        assertEquals(OptionalLong.of(30), retry, "30 s until the first miss is a minute old");
        assertTrue(throttle.retryAfterSeconds("b").isEmpty(), "another client is not throttled");

        advance(29_000);
        assertEquals(OptionalLong.of(1), throttle.retryAfterSeconds("a"));
        advance(1_000);
        assertTrue(throttle.retryAfterSeconds("a").isEmpty(), "the oldest miss left the window");
        throttle.miss("a");
        assertEquals(OptionalLong.of(1), throttle.retryAfterSeconds("a"), "the next oldest is about to leave");
    }

    @Test
    void missesSpreadOverMoreThanAMinuteNeverThrottle() {
        for (int i = 0; i < 300; i++) {
            throttle.miss("slow");
            advance(2_100);
            assertFalse(throttle.retryAfterSeconds("slow").isPresent(), "miss " + i);
        }
    }

    @Test
    void zeroTurnsItOff() {
        NotFoundThrottle off = new NotFoundThrottle(0, now::get);
        for (int i = 0; i < 1000; i++) {
            off.miss("a");
        }
        assertFalse(off.enabled());
        assertTrue(off.retryAfterSeconds("a").isEmpty());
    }

    private void advance(long millis) {
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
    }
}
