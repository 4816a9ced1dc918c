package dev.zipstream.http;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * Conditional request rules of RFC 9110 section 13 for an archive with a strong ETag and a Last-Modified time.
 */
public final class Preconditions {

    private Preconditions() {
    }

    /**
     * Whether a GET or HEAD may be answered 304: {@code If-None-Match} lists the ETag (weak comparison) or is
     * {@code *}; without it, {@code If-Modified-Since} is not older than the archive's Last-Modified.
     */
    public static boolean notModified(String ifNoneMatch, String ifModifiedSince, String etag,
            Instant lastModified) {
        if (ifNoneMatch != null) {
            return listsTag(ifNoneMatch, etag);
        }
        Instant since = httpDate(ifModifiedSince);
        return since != null && !lastModified.isAfter(since);
    }

    /**
     * Whether a Range applies: without {@code If-Range} always; with it only when it names the current archive,
     * by strong ETag comparison or by a date equal to Last-Modified. Otherwise the whole new archive is sent.
     */
    public static boolean rangeApplies(String ifRange, String etag, Instant lastModified, Instant now) {
        if (ifRange == null) {
            return true;
        }
        String value = ifRange.trim();
        if (value.startsWith("\"") || value.startsWith("W/")) {
            return value.equals(etag);
        }
        // A date is a strong validator only if the archive was last modified at least a second before now
        // (RFC 9110 8.8.2.2): a change within the same second would otherwise splice two versions.
        Instant date = httpDate(value);
        return date != null && date.equals(lastModified) && lastModified.isBefore(now.minusSeconds(1));
    }

    private static boolean listsTag(String header, String etag) {
        String opaque = stripWeak(etag);
        for (String candidate : header.split(",")) {
            String tag = candidate.trim();
            if (tag.equals("*") || stripWeak(tag).equals(opaque)) {
                return true;
            }
        }
        return false;
    }

    private static String stripWeak(String tag) {
        return tag.startsWith("W/") ? tag.substring(2) : tag;
    }

    static Instant httpDate(String value) {
        if (value == null) {
            return null;
        }
        try {
            return ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** IMF-fixdate ({@code Sun, 06 Nov 1994 08:49:37 GMT}), with the two-digit day the format requires. */
    public static String formatHttpDate(Instant instant) {
        return IMF_FIXDATE.format(instant);
    }

    private static final DateTimeFormatter IMF_FIXDATE = DateTimeFormatter
            .ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);
}
