package dev.zipstream.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;

import org.junit.jupiter.api.Test;

class PreconditionsTest {

    private static final Instant MODIFIED = Instant.parse("2024-05-07T08:09:05Z");
    private static final String ETAG = "\"abc\"";

    @Test
    void httpDatesAreImfFixdateWithATwoDigitDay() {
        assertEquals("Tue, 07 May 2024 08:09:05 GMT", Preconditions.formatHttpDate(MODIFIED));
        assertEquals(MODIFIED, Preconditions.httpDate("Tue, 07 May 2024 08:09:05 GMT"));
    }

    @Test
    void ifRangeNeedsTheStrongTagOrADateThatIsStrong() {
        Instant later = MODIFIED.plusSeconds(60);
        assertTrue(Preconditions.rangeApplies(null, ETAG, MODIFIED, later));
        assertTrue(Preconditions.rangeApplies(ETAG, ETAG, MODIFIED, later));
        assertFalse(Preconditions.rangeApplies("W/" + ETAG, ETAG, MODIFIED, later), "weak tags never match");
        assertTrue(Preconditions.rangeApplies("Tue, 07 May 2024 08:09:05 GMT", ETAG, MODIFIED, later));
        assertFalse(Preconditions.rangeApplies("Tue, 07 May 2024 08:09:05 GMT", ETAG, MODIFIED,
                MODIFIED.plusMillis(500)), "a date within the second of a change is weak");
        assertFalse(Preconditions.rangeApplies("Tue, 07 May 2024 08:09:04 GMT", ETAG, MODIFIED, later));
    }

    @Test
    void notModifiedPrefersIfNoneMatchAndComparesWeakly() {
        assertTrue(Preconditions.notModified("W/" + ETAG, null, ETAG, MODIFIED));
        assertTrue(Preconditions.notModified("*", null, ETAG, MODIFIED));
        assertFalse(Preconditions.notModified("\"other\"", "Tue, 07 May 2024 08:09:05 GMT", ETAG, MODIFIED));
        assertTrue(Preconditions.notModified(null, "Tue, 07 May 2024 08:09:05 GMT", ETAG, MODIFIED));
        assertFalse(Preconditions.notModified(null, "Tue, 07 May 2024 08:09:04 GMT", ETAG, MODIFIED));
    }
}
