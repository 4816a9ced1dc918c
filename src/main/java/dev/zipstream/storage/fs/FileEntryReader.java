package dev.zipstream.storage.fs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.util.Optional;
import java.util.OptionalInt;

import dev.zipstream.storage.EntryChangedException;
import dev.zipstream.storage.EntryReader;
import dev.zipstream.storage.LocalFiles;
import dev.zipstream.storage.ReadPacing;
import dev.zipstream.storage.StoredObject;

/**
 * Reads the files of an archive below the root ({@link RootedFiles}: no link followed), keeping the current file
 * open across chunks and checking, when a file is opened and again when its last byte is read, that it still is
 * the file that was planned. Closing it closes the open file and the folders; every writer closes it on
 * completion, failure and cancellation alike.
 */
public final class FileEntryReader implements EntryReader, LocalFiles {

    private final RootedFiles files;
    private LocalFile openEntry;
    private FileChannel channel;
    /** Whether the open file's stamp was checked when it was opened (a file read whole is checked after). */
    private boolean openEntryChecked;
    private boolean closed;

    public FileEntryReader(RootedFiles files) {
        this.files = files;
    }

    @Override
    public synchronized void read(StoredObject object, long position, ByteBuffer dst) throws IOException {
        LocalFile entry = (LocalFile) object;
        // A small file is read whole in one call and checked once, after the read (finishEntryRead by its bytes'
        // CRC-32, or finishEntry by the path's stamp): either tells that the bytes read were the planned ones, as
        // a check at the open would too. A file read in pieces is checked at the open too, so a changed one
        // fails early.
        boolean wholeInOneRead = position == 0 && dst.remaining() == entry.size();
        FileChannel file = channelFor(entry, !wholeInOneRead);
        while (dst.hasRemaining()) {
            int read = file.read(dst, position);
            if (read < 0) {
                throw new EntryChangedException(entry.location(), "became shorter");
            }
            position += read;
        }
    }

    @Override
    public synchronized void finishEntry(StoredObject object) throws IOException {
        requireUnchanged(object);
        closeOpenFile();
    }

    /**
     * A file read whole whose bytes have the CRC-32 its header declared holds the planned version's bytes: the
     * check the stamp makes, and a {@code stat} per file saved. Sending 65,536 small files, those {@code stat}s
     * and their attribute maps were about a quarter of the time.
     */
    @Override
    public synchronized void finishEntryRead(StoredObject object, int crc32OfBytesRead, int declaredCrc32)
            throws IOException {
        EntryReader.requireDeclaredCrc(object, crc32OfBytesRead, declaredCrc32);
        closeOpenFile();
    }

    @Override
    public synchronized void finishRange() throws IOException {
        if (openEntry != null) {
            finishEntry(openEntry);
        }
    }

    /** A volume keeps no checksums. */
    @Override
    public OptionalInt knownCrc32(StoredObject object) {
        return OptionalInt.empty();
    }

    @Override
    public int crc32(StoredObject object, ReadPacing pacing) throws IOException {
        LocalFile file = (LocalFile) object;
        int crc;
        try (FileChannel channel = open(file)) { // checked at the open
            crc = FileCrc.crc32(channel, file, pacing);
        }
        requireUnchanged(file);
        return crc;
    }

    @Override
    public Optional<LocalFiles> localFiles() {
        return Optional.of(this);
    }

    /**
     * Hands over the channel of the file being read if it is this one (the reader then forgets it; it was
     * checked when opened), else opens the entry's file below the root and checks it is the planned one, so a
     * file replaced since planning fails before its bytes go out rather than after the rest of the archive. A
     * file that is gone is reported as a changed archive.
     */
    @Override
    public synchronized FileChannel open(StoredObject object) throws IOException {
        LocalFile file = (LocalFile) object;
        if (file == openEntry && channel != null) {
            FileChannel handedOver = channel;
            boolean checked = openEntryChecked;
            channel = null;
            openEntry = null;
            if (!checked) {
                requireUnchanged(file);
            }
            return handedOver;
        }
        FileChannel opened = openUnchecked(file);
        try {
            requireUnchanged(file);
        } catch (IOException | RuntimeException e) {
            opened.close();
            throw e;
        }
        return opened;
    }

    private FileChannel openUnchecked(LocalFile file) throws IOException {
        if (closed) {
            throw new ClosedChannelException();
        }
        try {
            return files.openFile(file.path());
        } catch (NoSuchFileException e) {
            throw new EntryChangedException(file.location(), "disappeared");
        }
    }

    @Override
    public void requireUnchanged(StoredObject object) throws IOException {
        LocalFile file = (LocalFile) object;
        FileStamp now;
        try {
            now = FileStamp.read(file.path());
        } catch (NoSuchFileException e) {
            throw new EntryChangedException(file.location(), "disappeared");
        }
        if (!now.sameContentAs(file.stamp())) {
            throw new EntryChangedException(file.location(),
                    "changed (size " + file.size() + " -> " + now.size() + ")");
        }
    }

    private FileChannel channelFor(LocalFile entry, boolean checkAtOpen) throws IOException {
        // Closed on cancellation, possibly while a worker was still reading: open() then refuses to reopen.
        if (entry != openEntry || channel == null) {
            closeOpenFile();
            channel = openUnchecked(entry);
            openEntry = entry;
            openEntryChecked = checkAtOpen;
            if (checkAtOpen) {
                requireUnchanged(entry);
            }
        }
        return channel;
    }

    /** Closes the open file and the folders, and refuses further reads. Safe from another thread than the reader's. */
    @Override
    public synchronized void close() throws IOException {
        closed = true;
        try {
            closeOpenFile();
        } finally {
            files.close();
        }
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
