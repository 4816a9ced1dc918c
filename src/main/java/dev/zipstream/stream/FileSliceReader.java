package dev.zipstream.stream;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.channels.ClosedChannelException;

import dev.zipstream.crc.CrcCalculator;
import dev.zipstream.crc.FileChangedException;
import dev.zipstream.plan.ArchiveEntry;
import dev.zipstream.plan.RootedFiles;

/**
 * Reads the file spans of an archive, keeping the current file open across chunks and checking, when a file is
 * opened and again when its last byte is read, that it still is the file that was planned. Closing it closes the
 * open file; every writer closes it on completion, failure and cancellation alike.
 */
public final class FileSliceReader implements AutoCloseable {

    private final RootedFiles files;
    private ArchiveEntry openEntry;
    private FileChannel channel;
    private boolean closed;

    public FileSliceReader(RootedFiles files) {
        this.files = files;
    }

    /** Reads exactly {@code dst.remaining()} bytes of the entry's file from {@code position}. */
    public synchronized void read(ArchiveEntry entry, long position, ByteBuffer dst) throws IOException {
        FileChannel file = channelFor(entry);
        while (dst.hasRemaining()) {
            int read = file.read(dst, position);
            if (read < 0) {
                throw new FileChangedException(entry.source(), "became shorter");
            }
            position += read;
        }
    }

    /** After the last byte of a file is read: the file must not have changed meanwhile. */
    public synchronized void finishEntry(ArchiveEntry entry) throws IOException {
        CrcCalculator.requireUnchanged(entry.source(), entry.stamp());
        closeOpenFile();
    }

    /**
     * At the end of a range: a range that stops inside a file never reaches {@link #finishEntry}, so the file
     * still open must be checked here, or a 206 could complete with bytes of two versions of it.
     */
    public synchronized void finishRange() throws IOException {
        if (openEntry != null) {
            finishEntry(openEntry);
        }
    }

    private FileChannel channelFor(ArchiveEntry entry) throws IOException {
        if (closed) {
            // Closed on cancellation, possibly while a worker was still reading: never reopen.
            throw new ClosedChannelException();
        }
        if (entry != openEntry) {
            closeOpenFile();
            channel = open(files, entry);
            openEntry = entry;
            CrcCalculator.requireUnchanged(entry.source(), entry.stamp());
        }
        return channel;
    }

    /** Opens an entry's file below the root; a file that is gone is reported as a changed archive. */
    static FileChannel open(RootedFiles files, ArchiveEntry entry) throws IOException {
        try {
            return files.openFile(entry.source());
        } catch (NoSuchFileException e) {
            throw new FileChangedException(entry.source(), "disappeared");
        }
    }

    /** Closes the open file and refuses further reads. Safe to call from another thread than the reader's. */
    @Override
    public synchronized void close() throws IOException {
        closed = true;
        closeOpenFile();
    }

    private void closeOpenFile() throws IOException {
        FileChannel open = channel;
        channel = null;
        openEntry = null;
        if (open != null) {
            open.close();
        }
    }
}
