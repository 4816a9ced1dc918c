package dev.zipstream.http;

import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

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
    public static boolean rangeApplies(String ifRange, String etag, Instant lastModified) {
        if (ifRange == null) {
            return true;
        }
        String value = ifRange.trim();
        if (value.startsWith("\"") || value.startsWith("W/")) {
            return value.equals(etag);
        }
        Instant date = httpDate(value);
        return date != null && date.equals(lastModified);
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

    public static String formatHttpDate(Instant instant) {
        return DateTimeFormatter.RFC_1123_DATE_TIME.format(instant.atZone(java.time.ZoneOffset.UTC));
    }
}
