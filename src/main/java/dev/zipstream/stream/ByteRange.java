package dev.zipstream.stream;

/**
 * A span of an archive: from {@code start} (inclusive) to {@code end} (exclusive).
 */
public record ByteRange(long start, long end) {

    public ByteRange {
        if (start < 0 || end < start) {
            throw new IllegalArgumentException("bad range " + start + ".." + end);
        }
    }

    public static ByteRange whole(long length) {
        return new ByteRange(0, length);
    }

    public long length() {
        return end - start;
    }
}
