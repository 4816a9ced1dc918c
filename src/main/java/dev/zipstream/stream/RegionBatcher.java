package dev.zipstream.stream;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.DefaultFileRegion;
import io.netty.util.ReferenceCountUtil;

import dev.zipstream.plan.ArchiveEntry;
import dev.zipstream.storage.EntryReader;
import dev.zipstream.storage.LocalFiles;

/**
 * Cuts an {@link ArchiveCursor} into batches of Netty messages for the zero-copy path: file spans become
 * {@link DefaultFileRegion}s ({@code sendfile}: the bytes never enter the JVM), while headers, the central
 * directory, small files and the first bytes of a large file after a header are coalesced into one direct
 * buffer, so a small piece never travels as a TCP segment of its own.
 *
 * <p>Memory: a batch holds at most {@code maxBufferBytes} of buffers; regions cost no memory. Blocking (reads
 * small files, may compute CRCs): call from a worker thread. A batch made where long reads are unwelcome stops
 * before a CRC-32 that must be read from a file, and says so ({@link Batch#nextMayRead()}). Not thread-safe.
 */
public final class RegionBatcher implements AutoCloseable {

    /** File spans shorter than this are copied into the buffer rather than sent as a region of their own. */
    static final int SMALL_SPAN = 32 * 1024;
    /**
     * A new buffer's first size: a local header (30 bytes, the name, the extra fields) fits. On a corked socket a
     * buffer between two large files carries nothing else (with lead-ins it grows by theirs), and a stalled
     * download holds one per file in flight: at 4 KiB, 1,000 slow downloads of {@code seedlike/} pinned about 25 MiB
     * more (bench figure f). A batch of small files grows its buffer as it fills.
     */
    static final int INITIAL_BUFFER = 512;
    /**
     * How much of a large file follows its header in the same buffer, so the header fills a TCP segment, where
     * the socket cannot be corked (on a corked one the kernel joins them without the read).
     */
    static final int LEAD_IN = 2 * 1024;

    private final ArchiveCursor cursor;
    private final EntryReader files;
    private final LocalFiles localFiles;
    private final boolean leadIns;
    /** A batch's whole small files, read at its end (with a helper where there are many). */
    private final SmallFileReads smallFiles;
    /** Every file sent (in part) as a region, in order: verified unchanged once all of them are on the socket. */
    private final List<ArchiveEntry> sentAsRegions = new ArrayList<>();
    private Piece pending;
    private long pendingDone;
    private boolean exhausted;

    /** {@code leadIns}: follow each header with the first {@link #LEAD_IN} bytes of its file (an uncorked socket). */
    public RegionBatcher(ArchiveCursor cursor, boolean leadIns) {
        this(cursor, leadIns, null);
    }

    /** {@code helpers}: where a helper may read a share of a batch's small files ({@link SmallFileReads}). */
    public RegionBatcher(ArchiveCursor cursor, boolean leadIns, Executor helpers) {
        this.cursor = cursor;
        this.leadIns = leadIns;
        this.smallFiles = new SmallFileReads(helpers, cursor::anotherReader, cursor::crcContradicted);
        this.files = cursor.reader();
        this.localFiles = files.localFiles()
                .orElseThrow(() -> new IllegalArgumentException("zero-copy needs entries that are local files"));
    }

    /**
     * Messages to write in order and how many archive bytes each carries. The last batch of a range also holds
     * back the range's final byte as {@code tail}: with a {@code Content-Length} the client takes the response as
     * complete at its last byte, so that byte may only leave once every file sent by {@code sendfile} (whose
     * bytes the kernel reads only while sending) is known to be unchanged. {@code nextMayRead}: the next batch
     * starts by computing a CRC-32 from a file.
     */
    public record Batch(List<Object> messages, List<Long> sizes, byte[] tail, boolean nextMayRead) {
        public boolean last() {
            return tail != null;
        }

        public long bytes() {
            return sizes.stream().mapToLong(Long::longValue).sum();
        }

        /** For a batch that will not be written: gives its buffers back and closes its regions. */
        public void release() {
            messages.forEach(ReferenceCountUtil::safeRelease);
        }
    }

    /**
     * The next batch: at most {@code maxBytes} archive bytes, of which at most {@code maxBufferBytes} in
     * buffers, and at most {@code maxRegions} file regions (each holds its file open until it is sent). A file is
     * opened once: the channel its lead-in was read from becomes its region's. Unless {@code mayRead}, the batch
     * ends early rather than compute a CRC-32 from a file (it does so only when that is its first piece).
     */
    public Batch next(ByteBufAllocator allocator, long maxBytes, int maxBufferBytes, int maxRegions,
            boolean mayRead) throws IOException {
        if (maxRegions < 1) {
            throw new IllegalArgumentException("a batch needs room for at least one region");
        }
        List<Object> messages = new ArrayList<>();
        List<Long> sizes = new ArrayList<>();
        ByteBuf buffer = null;
        long total = 0;
        long buffered = 0;
        int regions = 0;
        try {
            while (total < maxBytes) {
                if (pending == null) {
                    if (!mayRead && total > 0 && cursor.nextMayRead()) {
                        break;
                    }
                    pending = cursor.next();
                    pendingDone = 0;
                    if (pending == null) {
                        exhausted = true;
                        break;
                    }
                }
                long remaining = pending.length() - pendingDone;
                long room = Math.min(maxBufferBytes - buffered, maxBytes - total);
                long n;
                if (pending instanceof Piece.Bytes bytes) {
                    if (room == 0) {
                        break;
                    }
                    buffer = buffer != null ? buffer : newBuffer(allocator, room);
                    n = Math.min(remaining, room);
                    buffer.writeBytes(bytes.data(), bytes.offset() + (int) pendingDone, (int) n);
                    buffered += n;
                } else {
                    Piece.FileSlice slice = (Piece.FileSlice) pending;
                    long leadIn = buffer == null || !leadIns ? 0 : Math.min(LEAD_IN, remaining);
                    if (remaining < SMALL_SPAN || (leadIn > 0 && pendingDone == 0)) {
                        n = Math.min(remaining < SMALL_SPAN ? remaining : leadIn, room);
                        if (n == 0) {
                            break;
                        }
                        buffer = buffer != null ? buffer : newBuffer(allocator, room);
                        buffer.ensureWritable((int) n);
                        int writerIndex = buffer.writerIndex();
                        if (pendingDone == 0 && slice.position() == 0 && n == slice.length() && slice.endsEntry()) {
                            // A whole small file: read with the batch's others once the buffer has its size.
                            smallFiles.add(slice, buffer, writerIndex);
                        } else {
                            smallFiles.readAll(files); // the reader's open file is this one's from here on
                            files.read(slice.entry().source(), slice.position() + pendingDone,
                                    buffer.nioBuffer(writerIndex, (int) n));
                            if (slice.endsEntry() && pendingDone + n == slice.length()) {
                                files.finishEntry(slice.entry().source());
                            }
                        }
                        buffer.writerIndex(writerIndex + (int) n);
                        buffered += n;
                    } else {
                        if (regions == maxRegions) {
                            break;
                        }
                        smallFiles.readAll(files);
                        if (buffer != null) {
                            messages.add(buffer);
                            sizes.add((long) buffer.readableBytes());
                            buffer = null;
                        }
                        n = Math.min(remaining, maxBytes - total);
                        // Opened here, on the worker and below the root without following links; the region
                        // closes the channel once Netty has sent it.
                        messages.add(new DefaultFileRegion(localFiles.open(slice.entry().source()),
                                slice.position() + pendingDone, n));
                        sizes.add(n);
                        regions++;
                        if (sentAsRegions.isEmpty() || sentAsRegions.get(sentAsRegions.size() - 1) != slice.entry()) {
                            sentAsRegions.add(slice.entry());
                        }
                    }
                }
                total += n;
                pendingDone += n;
                if (pendingDone == pending.length()) {
                    pending = null;
                    if (cursor.remaining() == 0) {
                        exhausted = true; // known now, so the last batch is never an empty one
                        break;
                    }
                }
            }
            if (buffer != null) {
                messages.add(buffer);
                sizes.add((long) buffer.readableBytes());
                buffer = null;
            }
            smallFiles.readAll(files);
            byte[] tail = null;
            if (exhausted) {
                tail = holdBackLastByte(messages, sizes);
                // The range may end inside a file read here: its last bytes must still be the planned ones too.
                files.finishRange();
            }
            return new Batch(messages, sizes, tail, !exhausted && nextMayRead());
        } catch (Throwable e) {
            if (buffer != null) {
                buffer.release();
            }
            messages.forEach(ReferenceCountUtil::safeRelease);
            throw e;
        }
    }

    /** Whether the next batch starts by computing a CRC-32 from a file (blocking: it may look it up). */
    public boolean nextMayRead() {
        return pending == null && cursor.nextMayRead();
    }

    /**
     * A buffer that starts small and grows to at most {@code room}: most batches of large files carry only a
     * header and a little data, and a thousand slow downloads each holding a buffer of the full size would pin
     * tens of megabytes of direct memory.
     */
    private static ByteBuf newBuffer(ByteBufAllocator allocator, long room) {
        return allocator.directBuffer((int) Math.min(room, INITIAL_BUFFER), (int) room);
    }

    /**
     * Every file sent by {@code sendfile} (never read here) must still be the planned one once its regions are on
     * the socket. Call when all of the range but its tail has been written, before the tail goes out. Checking
     * earlier would prove nothing of the bytes the kernel reads later, so this is the one check after opening (a
     * truncated file also fails its own transfer).
     */
    public void verifyEverythingSent() throws IOException {
        for (ArchiveEntry entry : sentAsRegions) {
            localFiles.requireUnchanged(entry.source());
        }
    }

    /** Takes the range's final byte out of the batch (shortening its last message) and returns it. */
    private byte[] holdBackLastByte(List<Object> messages, List<Long> sizes) throws IOException {
        int last = messages.size() - 1;
        Object message = messages.get(last);
        byte[] tail = new byte[1];
        if (message instanceof ByteBuf buffer) {
            int end = buffer.writerIndex() - 1;
            tail[0] = buffer.getByte(end);
            buffer.writerIndex(end);
        } else {
            DefaultFileRegion region = (DefaultFileRegion) message;
            ArchiveEntry entry = sentAsRegions.get(sentAsRegions.size() - 1);
            long position = region.position() + region.count() - 1;
            files.read(entry.source(), position, ByteBuffer.wrap(tail));
            region.release();
            messages.set(last, new DefaultFileRegion(localFiles.open(entry.source()), region.position(),
                    region.count() - 1)); // the channel the byte was just read from
        }
        sizes.set(last, sizes.get(last) - 1);
        if (sizes.get(last) == 0) {
            ReferenceCountUtil.safeRelease(messages.remove(last));
            sizes.remove(last);
        }
        return tail;
    }

    @Override
    public void close() throws IOException {
        try {
            cursor.close();
        } finally {
            smallFiles.close();
        }
    }
}
