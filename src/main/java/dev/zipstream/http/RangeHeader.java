package dev.zipstream.http;

import java.util.Optional;

import dev.zipstream.stream.ByteRange;

/**
 * Reads a {@code Range} header against an archive of known length (RFC 9110 section 14). One range is served:
 * {@code bytes=a-b}, {@code bytes=a-} and the suffix form {@code bytes=-n}, with the end clamped to the last
 * byte. Several ranges at once, another unit, or a header that does not parse are ignored, which RFC 9110 allows:
 * the whole archive is sent.
 */
public final class RangeHeader {

    /** What the header asks of this archive. */
    public sealed interface Result {
    }

    /** No usable range: send the whole archive with 200. */
    public record Whole() implements Result {
    }

    /** Send this span with 206. */
    public record Partial(ByteRange range) implements Result {
    }

    /** The range lies beyond the archive: 416 with {@code Content-Range: bytes *}{@code /length}. */
    public record Unsatisfiable() implements Result {
    }

    private RangeHeader() {
    }

    public static Result parse(String header, long length) {
        if (header == null) {
            return new Whole();
        }
        String value = header.trim();
        if (!value.regionMatches(true, 0, "bytes=", 0, 6)) {
            return new Whole();
        }
        String spec = value.substring(6).trim();
        if (spec.isEmpty() || spec.indexOf(',') >= 0) {
            return new Whole();
        }
        int dash = spec.indexOf('-');
        if (dash < 0) {
            return new Whole();
        }
        Optional<Long> first = number(spec.substring(0, dash).trim());
        Optional<Long> last = number(spec.substring(dash + 1).trim());
        boolean firstBlank = spec.substring(0, dash).isBlank();
        boolean lastBlank = spec.substring(dash + 1).isBlank();
        if (firstBlank) {
            if (last.isEmpty() || lastBlank) {
                return new Whole();
            }
            long suffix = last.get();
            if (suffix == 0 || length == 0) {
                return new Unsatisfiable();
            }
            return new Partial(new ByteRange(Math.max(0, length - suffix), length));
        }
        if (first.isEmpty() || (!lastBlank && last.isEmpty())) {
            return new Whole();
        }
        long start = first.get();
        if (!lastBlank && last.get() < start) {
            return new Whole(); // syntactically invalid: ignored
        }
        if (start >= length) {
            return new Unsatisfiable();
        }
        long endInclusive = lastBlank ? length - 1 : Math.min(last.get(), length - 1);
        return new Partial(new ByteRange(start, endInclusive + 1));
    }

    private static Optional<Long> number(String digits) {
        if (digits.isEmpty() || digits.length() > 18) {
            return Optional.empty();
        }
        for (int i = 0; i < digits.length(); i++) {
            if (!Character.isDigit(digits.charAt(i)) || digits.charAt(i) > '9') {
                return Optional.empty();
            }
        }
        return Optional.of(Long.parseLong(digits));
    }

    /** The {@code Content-Range} value for a 206. */
    public static String contentRange(ByteRange range, long length) {
        return "bytes " + range.start() + "-" + (range.end() - 1) + "/" + length;
    }
}
