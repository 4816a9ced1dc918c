package dev.zipstream.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * How one download reads its entries' bytes. A reader checks that what it reads is still the version that was
 * planned, and fails with {@link EntryChangedException} otherwise. Closing it releases everything it holds (open
 * files, requests in flight) and may be called from another thread than the reader's.
 */
public interface EntryReader extends AutoCloseable {

    /** Reads exactly {@code dst.remaining()} bytes of the object from {@code position}. */
    void read(StoredObject object, long position, ByteBuffer dst) throws IOException;

    /** After the last byte of an object is read: it must not have changed meanwhile. */
    void finishEntry(StoredObject object) throws IOException;

    /**
     * After an object was read whole, from its first byte to its last (in one {@link #read} or several):
     * {@code crc32OfBytesRead} is the CRC-32 of the bytes read,
     * {@code declaredCrc32} the one the entry's header was sent with, which is the planned version's. A mismatch
     * fails. A match shows the bytes are the planned ones, which is what {@link #finishEntry} checks for, so a
     * storage may take it in place of that check.
     */
    default void finishEntryRead(StoredObject object, int crc32OfBytesRead, int declaredCrc32) throws IOException {
        requireDeclaredCrc(object, crc32OfBytesRead, declaredCrc32);
        finishEntry(object);
    }

    /** Fails unless the bytes read of an object have the CRC-32 its header declared. */
    static void requireDeclaredCrc(StoredObject object, int crc32OfBytesRead, int declaredCrc32)
            throws EntryChangedException {
        if (crc32OfBytesRead != declaredCrc32) {
            throw new EntryChangedException(object.location(), "changed (its bytes no longer match its CRC-32)");
        }
    }

    /**
     * At the end of a range: a range that stops inside an object never reaches {@link #finishEntry}, so the object
     * still being read is checked here, or a 206 could complete with bytes of two versions of it.
     */
    void finishRange() throws IOException;

    /**
     * A CRC-32 of the whole object that the storage has without reading its bytes again: S3's stored checksum, or
     * one made from bytes this reader already fetched ahead. Empty when it would take reading the object.
     */
    OptionalInt knownCrc32(StoredObject object) throws IOException;

    /** Reads the whole object once and returns its CRC-32, failing if it is not the planned version. */
    default int crc32(StoredObject object) throws IOException {
        return crc32(object, ReadPacing.NONE);
    }

    /** The same, reading no faster than the pacing allows. */
    int crc32(StoredObject object, ReadPacing pacing) throws IOException;

    /** Where the entries are local files, the zero-copy writer sends them with {@code sendfile}. */
    default Optional<LocalFiles> localFiles() {
        return Optional.empty();
    }

    @Override
    void close() throws IOException;
}
