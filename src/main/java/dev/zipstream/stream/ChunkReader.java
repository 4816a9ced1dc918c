package dev.zipstream.stream;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.zip.CRC32;

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
 *
 * <p>A file sent from its first byte to its last under a known CRC-32 is checked by the CRC-32 of the bytes that
 * went out, and a mismatch fails the download. A mismatch under an unchanged stamp means the CRC-32 was remembered
 * wrongly, and is read again ({@link ArchiveCursor#crcContradicted}). A file read whole in one read is checked by
 * that alone, as the zero-copy path checks small files (the check its stamp would make, without a {@code stat});
 * a file read in pieces by its stamp too, at its open and after its last byte, so one deleted or replaced while it
 * is sent still fails the download.
 */
final class ChunkReader implements AutoCloseable {

    private final ArchiveCursor cursor;
    private final int chunkSize;
    private final EntryReader files;
    private Piece pending;
    private long pendingDone;
    /** Whether the pending file is checked by its CRC-32 (see above), and that of its bytes so far. */
    private boolean pendingChecked;
    private final CRC32 pendingCrc = new CRC32();

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
                pendingChecked = checkedByCrc(pending);
                pendingCrc.reset();
            }
            int n = (int) Math.min(out.remaining(), pending.length() - pendingDone);
            if (pending instanceof Piece.Bytes bytes) {
                out.put(bytes.data(), bytes.offset() + (int) pendingDone, n);
            } else {
                Piece.FileSlice slice = (Piece.FileSlice) pending;
                ByteBuffer target = out.slice();
                target.limit(n);
                files.read(slice.entry().source(), slice.position() + pendingDone, target);
                if (pendingChecked) {
                    pendingCrc.update(chunk, out.position(), n);
                }
                out.position(out.position() + n);
                if (slice.endsEntry() && pendingDone + n == slice.length()) {
                    finishEntry(slice);
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

    private static boolean checkedByCrc(Piece piece) {
        return piece instanceof Piece.FileSlice slice && slice.position() == 0 && slice.endsEntry()
                && slice.crcKnown();
    }

    /** After the slice's last byte was read; {@code pendingDone} is still what came before that read. */
    private void finishEntry(Piece.FileSlice slice) throws IOException {
        if (!pendingChecked) {
            files.finishEntry(slice.entry().source());
            return;
        }
        int crcOfBytesRead = (int) pendingCrc.getValue();
        int declaredCrc32 = (int) slice.declaredCrc32();
        if (crcOfBytesRead != declaredCrc32) {
            cursor.crcContradicted(slice.entry(), crcOfBytesRead);
        }
        if (pendingDone == 0) { // read whole in one read: its bytes are the check
            files.finishEntryRead(slice.entry().source(), crcOfBytesRead, declaredCrc32);
        } else { // read in pieces: its bytes and its stamp
            EntryReader.requireDeclaredCrc(slice.entry().source(), crcOfBytesRead, declaredCrc32);
            files.finishEntry(slice.entry().source());
        }
    }

    @Override
    public void close() throws IOException {
        cursor.close();
    }
}
