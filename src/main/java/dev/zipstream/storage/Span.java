package dev.zipstream.storage;

/**
 * Bytes {@code from} (inclusive) to {@code to} (exclusive) of one object: what a download will read of it. A reader
 * told its spans in order can fetch ahead of the writer.
 */
public record Span(StoredObject object, long from, long to) {

    public long length() {
        return to - from;
    }
}
