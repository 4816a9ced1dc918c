package dev.zipstream.stream;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.DefaultFileRegion;
import io.netty.util.ReferenceCountUtil;

import dev.zipstream.crc.CrcCalculator;
import dev.zipstream.plan.ArchiveEntry;

/**
 * Cuts an {@link ArchiveCursor} into batches of Netty messages for the zero-copy path: file spans become
 * {@link DefaultFileRegion}s ({@code sendfile}: the bytes never enter the JVM), while headers, the central
 * directory, small files and the first bytes of a large file after a header are coalesced into one direct
 * buffer, so a small piece never travels as a TCP segment of its own.
 *
 * <p>Memory: a batch holds at most {@code maxBufferBytes} of buffers; regions cost no memory. Blocking (reads
 * small files, may compute CRCs): call from a worker thread. Not thread-safe.
 */
public final class RegionBatcher implements AutoCloseable {

    /** File spans shorter than this are copied into the buffer rather than sent as a region of their own. */
    static final int SMALL_SPAN = 32 * 1024;
    /** How much of a large file follows its header in the same buffer. */
    static final int LEAD_IN = 16 * 1024;

    private final ArchiveCursor cursor;
    private final FileSliceReader files = new FileSliceReader();
    private final List<ArchiveEntry> sentAsRegions = new ArrayList<>();
    private Piece pending;
    private long pendingDone;
    private boolean exhausted;

    public RegionBatcher(ArchiveCursor cursor) {
        this.cursor = cursor;
    }

    /** Messages to write in order, how many archive bytes they carry, and whether they end the range. */
    public record Batch(List<Object> messages, List<Long> sizes, boolean last) {
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
     * buffers. First verifies that the files sent as regions in earlier batches were not changed meanwhile.
     */
    public Batch next(ByteBufAllocator allocator, long maxBytes, int maxBufferBytes) throws IOException {
        verifyFilesSentAsRegions();
        List<Object> messages = new ArrayList<>();
        List<Long> sizes = new ArrayList<>();
        ByteBuf buffer = null;
        long total = 0;
        long buffered = 0;
        try {
            while (total < maxBytes) {
                if (pending == null) {
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
                    buffer = buffer != null ? buffer : allocator.directBuffer((int) room);
                    n = Math.min(remaining, room);
                    buffer.writeBytes(bytes.data(), bytes.offset() + (int) pendingDone, (int) n);
                    buffered += n;
                } else {
                    Piece.FileSlice slice = (Piece.FileSlice) pending;
                    long leadIn = buffer == null ? 0 : Math.min(LEAD_IN, remaining);
                    if (remaining < SMALL_SPAN || (leadIn > 0 && pendingDone == 0)) {
                        n = Math.min(remaining < SMALL_SPAN ? remaining : leadIn, room);
                        if (n == 0) {
                            break;
                        }
                        buffer = buffer != null ? buffer : allocator.directBuffer((int) room);
                        int writerIndex = buffer.writerIndex();
                        files.read(slice, slice.position() + pendingDone, buffer.nioBuffer(writerIndex, (int) n));
                        buffer.writerIndex(writerIndex + (int) n);
                        buffered += n;
                        if (slice.endsEntry() && pendingDone + n == slice.length()) {
                            files.finishEntry(slice.entry());
                        }
                    } else {
                        if (buffer != null) {
                            messages.add(buffer);
                            sizes.add((long) buffer.readableBytes());
                            buffer = null;
                        }
                        n = Math.min(remaining, maxBytes - total);
                        messages.add(new DefaultFileRegion(slice.entry().source().toFile(),
                                slice.position() + pendingDone, n));
                        sizes.add(n);
                        if (slice.endsEntry() && pendingDone + n == slice.length()) {
                            sentAsRegions.add(slice.entry());
                        }
                    }
                }
                total += n;
                pendingDone += n;
                if (pendingDone == pending.length()) {
                    pending = null;
                }
            }
            if (buffer != null) {
                messages.add(buffer);
                sizes.add((long) buffer.readableBytes());
                buffer = null;
            }
            if (exhausted) {
                verifyFilesSentAsRegions();
            }
            return new Batch(messages, sizes, exhausted);
        } catch (IOException | RuntimeException e) {
            if (buffer != null) {
                buffer.release();
            }
            messages.forEach(ReferenceCountUtil::safeRelease);
            throw e;
        }
    }

    /** A file sent by {@code sendfile} was never read here: its stamp must still be the planned one. */
    private void verifyFilesSentAsRegions() throws IOException {
        for (ArchiveEntry entry : sentAsRegions) {
            CrcCalculator.requireUnchanged(entry.source(), entry.stamp());
        }
        sentAsRegions.clear();
    }

    @Override
    public void close() throws IOException {
        files.close();
    }
}
