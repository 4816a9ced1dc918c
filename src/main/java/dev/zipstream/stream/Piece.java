package dev.zipstream.stream;

import dev.zipstream.plan.ArchiveEntry;

/** One contiguous piece of an archive range: bytes made in memory, or a span of one file's content. */
public sealed interface Piece {

    long length();

    /** Header, central directory or end-record bytes. */
    record Bytes(byte[] data, int offset, long length) implements Piece {
    }

    /**
     * {@code length} bytes of the entry's file from {@code position}. {@code endsEntry} tells that this piece
     * reaches the end of the file's data, where a writer checks that the file did not change while it was sent.
     * {@code declaredCrc32} is the CRC-32 the entry's header was sent with (the planned version's, unsigned), or
     * {@link #UNKNOWN_CRC} where the range did not need it yet.
     */
    record FileSlice(ArchiveEntry entry, long position, long length, boolean endsEntry, long declaredCrc32)
            implements Piece {

        public static final long UNKNOWN_CRC = -1;

        public boolean crcKnown() {
            return declaredCrc32 != UNKNOWN_CRC;
        }
    }
}
