package dev.zipstream.stream;

import java.io.IOException;
import java.nio.ByteBuffer;

import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;

import dev.zipstream.storage.EntryReader;

/**
 * Turns an {@link ArchiveCursor} into chunks of at most {@code chunkSize} bytes for the copying path.
 *
 * <p>Chunks are plain heap buffers: once handed downstream they belong to the garbage collector, so a chunk that
 * is in flight when the client hangs up can never leak (pooled buffers would need a release that a cancelled
 * stream cannot guarantee). The bulk path for plain HTTP/1.1 is the zero-copy one, which sends file bytes without
 * copying them at all.
 */
final class ChunkReader implements AutoCloseable {

    private final ArchiveCursor cursor;
    private final int chunkSize;
    private final EntryReader files;
    private Piece pending;
    private long pendingDone;

    ChunkReader(ArchiveCursor cursor, int chunkSize) {
        this.cursor = cursor;
        this.chunkSize = chunkSize;
        this.files = cursor.reader();
    }

    /** The next chunk, or null at the end of the range. */
    Buffer next() throws IOException {
        long size = Math.min(chunkSize, cursor.remaining() + (pending == null ? 0 : pending.length() - pendingDone));
        if (size == 0) {
            return null;
        }
        byte[] chunk = new byte[(int) size];
        ByteBuffer out = ByteBuffer.wrap(chunk);
        while (out.hasRemaining()) {
            if (pending == null) {
                pending = cursor.next();
                pendingDone = 0;
            }
            int n = (int) Math.min(out.remaining(), pending.length() - pendingDone);
            if (pending instanceof Piece.Bytes bytes) {
                out.put(bytes.data(), bytes.offset() + (int) pendingDone, n);
            } else {
                Piece.FileSlice slice = (Piece.FileSlice) pending;
                ByteBuffer target = out.slice();
                target.limit(n);
                files.read(slice.entry().source(), slice.position() + pendingDone, target);
                out.position(out.position() + n);
                if (slice.endsEntry() && pendingDone + n == slice.length()) {
                    files.finishEntry(slice.entry().source());
                }
            }
            pendingDone += n;
            if (pendingDone == pending.length()) {
                pending = null;
            }
        }
        if (pending == null && cursor.remaining() == 0) {
            files.finishRange(); // before the last chunk goes out
        }
        return Buffer.buffer(Unpooled.wrappedBuffer(chunk));
    }

    @Override
    public void close() throws IOException {
        cursor.close();
    }
}
