package dev.zipstream.stream;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import dev.zipstream.crc.CrcService;
import dev.zipstream.plan.ArchiveEntry;
import dev.zipstream.plan.ArchivePlan;
import dev.zipstream.plan.LearnedCrcs;
import dev.zipstream.storage.EntryReader;
import dev.zipstream.storage.Span;
import dev.zipstream.zip.ZipHeaders;
import dev.zipstream.zip.ZipLayout;

/**
 * Walks a range of a planned archive as a sequence of {@link Piece}s: local headers, file spans, central
 * directory records and end records, each cut to the range.
 *
 * <p>Both archive writers (the copying {@code Multi<Buffer>} and the zero-copy edge) consume this, so they send
 * the very same bytes. Entries wholly before the range are never read, except to compute a CRC-32 the central
 * directory needs and the cache does not hold. Blocking (it may compute CRCs): use it from a worker thread. Not
 * thread-safe.
 */
public final class ArchiveCursor implements AutoCloseable {

    /** Smaller files are hashed inline: a background task would cost more than it saves. */
    static final long PREFETCH_THRESHOLD = 256 * 1024;

    private final ArchivePlan plan;
    private final CrcService crcs;
    private final EntryReader reader;
    /**
     * The CRC-32s this plan's downloads have used: the central directory never recomputes one the cache let go,
     * and a reused plan's headers need no lookup.
     */
    private final LearnedCrcs learned;
    private final long end;
    private long position;
    /** The entry {@code position} was last found in: the cursor moves forward, so it is that one or the next. */
    private int entryHint;

    /** Next central directory record to emit, and its offset; found on first use. */
    private int directoryIndex = -1;
    private long directoryRecordOffset;

    public ArchiveCursor(ArchivePlan plan, ByteRange range, CrcService crcs) {
        if (range.end() > plan.length()) {
            throw new IllegalArgumentException("range " + range + " beyond archive length " + plan.length());
        }
        this.plan = plan;
        this.crcs = crcs;
        this.reader = plan.storage().reader(() -> spans(plan, range));
        this.learned = plan.learnedCrcs();
        this.position = range.start();
        this.end = range.end();
    }

    /** What the range reads of each entry, in order: a storage that fetches ahead follows this. */
    private static List<Span> spans(ArchivePlan plan, ByteRange range) {
        List<Span> spans = new ArrayList<>();
        if (range.start() >= plan.centralDirectoryOffset()) {
            return spans;
        }
        List<ArchiveEntry> entries = plan.entries();
        for (int i = plan.entryIndexAt(range.start()); i < entries.size(); i++) {
            ArchiveEntry entry = entries.get(i);
            if (entry.dataOffset() >= range.end()) {
                break;
            }
            long from = Math.max(range.start(), entry.dataOffset());
            long to = Math.min(range.end(), entry.endOffset());
            if (entry.source() != null && to > from) {
                spans.add(new Span(entry.source(), from - entry.dataOffset(), to - entry.dataOffset()));
            }
        }
        return spans;
    }

    /** Bytes of the range not yet returned. */
    public long remaining() {
        return end - position;
    }

    /**
     * Whether {@link #next()} may have to read a file, to compute a CRC-32 that neither the plan has learned nor
     * the CRC memory holds (one the memory holds is learned now, so that {@code next} need not look again). What remains
     * after a false is bounded work: a header, a record, a file's slice.
     */
    public boolean nextMayRead() {
        if (position >= end || position >= plan.endRecordsOffset()) {
            return false;
        }
        int index;
        if (position < plan.centralDirectoryOffset()) {
            index = entryAtPosition();
            if (position >= plan.entries().get(index).dataOffset()) {
                return false; // a slice of the file's bytes: no CRC needed
            }
        } else {
            locateDirectoryRecord();
            index = directoryIndex;
        }
        return !takeRememberedCrc(index);
    }

    private boolean takeRememberedCrc(int index) {
        if (learned.isLearned(index)) {
            return true;
        }
        Integer remembered = crcs.remembered(plan, plan.entries().get(index));
        if (remembered == null) {
            return false;
        }
        learned.learn(index, remembered);
        return true;
    }

    /** The next piece, or null once the range is done. */
    public Piece next() throws IOException {
        if (position >= end) {
            return null;
        }
        Piece piece;
        if (position < plan.centralDirectoryOffset()) {
            piece = entryPiece(entryAtPosition());
        } else if (position < plan.endRecordsOffset()) {
            piece = directoryPiece();
        } else {
            byte[] records = ZipHeaders.endRecords(plan.entries().size(), plan.centralDirectoryOffset(),
                    plan.centralDirectoryLength());
            piece = slice(records, plan.endRecordsOffset());
        }
        position += piece.length();
        return piece;
    }

    private Piece entryPiece(int index) throws IOException {
        ArchiveEntry entry = plan.entries().get(index);
        if (position < entry.dataOffset()) {
            byte[] header = ZipHeaders.localHeader(entry.spec(), crcOf(index));
            prefetchCrcAfter(index);
            return slice(header, entry.localHeaderOffset());
        }
        long stop = Math.min(entry.endOffset(), end);
        long declaredCrc = learned.isLearned(index) ? learned.get(index) & 0xFFFFFFFFL : Piece.FileSlice.UNKNOWN_CRC;
        return new Piece.FileSlice(entry, position - entry.dataOffset(), stop - position,
                stop == entry.endOffset(), declaredCrc);
    }

    /**
     * The entry whose header or data holds {@code position} (before the central directory). Without the hint this
     * was a binary search twice per piece: in a folder of 65,536 small files, 68 list reads per entry.
     */
    private int entryAtPosition() {
        List<ArchiveEntry> entries = plan.entries();
        for (int index = entryHint; index <= entryHint + 1 && index < entries.size(); index++) {
            boolean startsBefore = entries.get(index).localHeaderOffset() <= position;
            boolean nextStartsAfter = index + 1 == entries.size()
                    || entries.get(index + 1).localHeaderOffset() > position;
            if (startsBefore && nextStartsAfter) {
                entryHint = index;
                return index;
            }
        }
        entryHint = plan.entryIndexAt(position);
        return entryHint;
    }

    /** While this file streams, the next file's CRC is computed on another core. */
    private void prefetchCrcAfter(int index) {
        List<ArchiveEntry> entries = plan.entries();
        for (int i = index + 1; i < entries.size(); i++) {
            ArchiveEntry next = entries.get(i);
            if (next.localHeaderOffset() >= end) {
                return;
            }
            if (!next.isDirectory() && next.size() > 0) {
                // Learned already, as in a reused plan: no lookup (a key is a string built per file).
                if (next.size() >= PREFETCH_THRESHOLD && !learned.isLearned(i)) {
                    crcs.prefetch(plan, next);
                }
                return;
            }
        }
    }

    private Piece directoryPiece() throws IOException {
        locateDirectoryRecord();
        ArchiveEntry entry = plan.entries().get(directoryIndex);
        byte[] record = ZipHeaders.centralHeader(entry.spec(), crcOf(directoryIndex), entry.localHeaderOffset());
        Piece piece = slice(record, directoryRecordOffset);
        directoryRecordOffset += record.length;
        directoryIndex++;
        return piece;
    }

    /** Finds the central directory record the range starts in, once. */
    private void locateDirectoryRecord() {
        if (directoryIndex >= 0) {
            return;
        }
        List<ArchiveEntry> entries = plan.entries();
        directoryIndex = 0;
        directoryRecordOffset = plan.centralDirectoryOffset();
        while (directoryRecordOffset + recordLength(entries.get(directoryIndex)) <= position) {
            directoryRecordOffset += recordLength(entries.get(directoryIndex));
            directoryIndex++;
        }
    }

    private int crcOf(int index) throws IOException {
        if (!learned.isLearned(index)) {
            learned.learn(index, crcs.crcOf(plan, plan.entries().get(index), reader));
        }
        return learned.get(index);
    }

    /** A reader of its own for another thread, reading the same storage (it reads nothing ahead). */
    public EntryReader anotherReader() {
        return plan.storage().reader(List::of);
    }

    /** The entry's bytes, read whole, had this CRC-32, not the one its header declared ({@link CrcService#recheck}). */
    void crcContradicted(ArchiveEntry entry, int crcOfBytesRead) {
        crcs.recheck(plan, entry, crcOfBytesRead);
    }

    /** Where this cursor's writers read the entries' bytes. */
    public EntryReader reader() {
        return reader;
    }

    @Override
    public void close() throws IOException {
        reader.close();
    }

    private static long recordLength(ArchiveEntry entry) {
        return ZipLayout.centralHeaderLength(entry.spec(), entry.localHeaderOffset());
    }

    /** The part of {@code bytes} (which start at archive offset {@code bytesOffset}) inside the range. */
    private Piece slice(byte[] bytes, long bytesOffset) {
        int from = (int) (position - bytesOffset);
        int to = (int) Math.min(bytes.length, end - bytesOffset);
        return new Piece.Bytes(bytes, from, to - from);
    }
}
