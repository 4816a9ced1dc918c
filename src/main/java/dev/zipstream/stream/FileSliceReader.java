package dev.zipstream.stream;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.StandardOpenOption;

import dev.zipstream.crc.CrcCalculator;
import dev.zipstream.crc.FileChangedException;
import dev.zipstream.plan.ArchiveEntry;

/**
 * Reads the file spans of an archive, keeping the current file open across chunks and checking, when a file is
 * opened and again when its last byte is read, that it still is the file that was planned. Closing it closes the
 * open file; every writer closes it on completion, failure and cancellation alike.
 */
public final class FileSliceReader implements AutoCloseable {

    private ArchiveEntry openEntry;
    private FileChannel channel;

    /** Reads exactly {@code dst.remaining()} bytes of the slice's file from {@code position}. */
    public void read(Piece.FileSlice slice, long position, ByteBuffer dst) throws IOException {
        FileChannel file = channelFor(slice.entry());
        while (dst.hasRemaining()) {
            int read = file.read(dst, position);
            if (read < 0) {
                throw new FileChangedException(slice.entry().source(), "became shorter");
            }
            position += read;
        }
    }

    /** After the last byte of a file is read: the file must not have changed meanwhile. */
    public void finishEntry(ArchiveEntry entry) throws IOException {
        CrcCalculator.requireUnchanged(entry.source(), entry.stamp());
        close();
    }

    /**
     * At the end of a range: a range that stops inside a file never reaches {@link #finishEntry}, so the file
     * still open must be checked here, or a 206 could complete with bytes of two versions of it.
     */
    public void finishRange() throws IOException {
        if (openEntry != null) {
            finishEntry(openEntry);
        }
    }

    private FileChannel channelFor(ArchiveEntry entry) throws IOException {
        if (entry != openEntry) {
            close();
            try {
                channel = FileChannel.open(entry.source(), StandardOpenOption.READ);
            } catch (NoSuchFileException e) {
                throw new FileChangedException(entry.source(), "disappeared");
            }
            openEntry = entry;
            CrcCalculator.requireUnchanged(entry.source(), entry.stamp());
        }
        return channel;
    }

    @Override
    public void close() throws IOException {
        FileChannel open = channel;
        channel = null;
        openEntry = null;
        if (open != null) {
            open.close();
        }
    }
}
