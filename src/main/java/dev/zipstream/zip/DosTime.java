package dev.zipstream.zip;

import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * MS-DOS date and time as stored in ZIP headers.
 *
 * <p>Computed in UTC, not in the server's zone, so that every replica of the service writes the same bytes
 * for the same folder. Readers that honour the extended timestamp field (unzip, 7-Zip, macOS, commons-compress)
 * take the exact Unix time from there instead.
 */
public final class DosTime {

    private static final long EARLIEST = LocalDateTime.of(1980, 1, 1, 0, 0).toEpochSecond(ZoneOffset.UTC);
    private static final long LATEST = LocalDateTime.of(2107, 12, 31, 23, 59, 58).toEpochSecond(ZoneOffset.UTC);

    private DosTime() {
    }

    /** The 32-bit DOS value (date in the high half, time in the low half), clamped to 1980..2107. */
    public static int of(long epochSecond) {
        long clamped = Math.min(Math.max(epochSecond, EARLIEST), LATEST);
        LocalDateTime t = LocalDateTime.ofEpochSecond(clamped, 0, ZoneOffset.UTC);
        int date = ((t.getYear() - 1980) << 9) | (t.getMonthValue() << 5) | t.getDayOfMonth();
        int time = (t.getHour() << 11) | (t.getMinute() << 5) | (t.getSecond() / 2);
        return (date << 16) | time;
    }

    /** The Unix time for the extended timestamp field: a signed 32-bit value, clamped to 1970..2038. */
    static int unixSeconds(long epochSecond) {
        return (int) Math.min(Math.max(epochSecond, 0), Integer.MAX_VALUE);
    }
}
