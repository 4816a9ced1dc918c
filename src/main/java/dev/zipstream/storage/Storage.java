package dev.zipstream.storage;

import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Where the archived folders live: a volume ({@code storage.fs}) or an S3 bucket ({@code storage.s3}). Planning,
 * CRC-32s, the cursor and the HTTP edge know only this interface.
 */
public interface Storage {

    /**
     * The entries of the folder a (valid) hash names, or empty when there is no such folder or it may not be served.
     * Blocking: call it from a worker thread.
     *
     * @throws ArchiveFolderException when the folder exists but cannot be listed or read in full
     */
    Optional<Listing> list(String hash) throws ArchiveFolderException;

    /**
     * The names of the folders directly below the root, for the background CRC scan. Only a volume is scanned: an
     * S3 storage has no such walk and says so.
     */
    default List<String> folderNames() throws java.io.IOException {
        throw new UnsupportedOperationException("the background CRC scan walks folders on a volume only");
    }

    /** Whether a (valid) hash names a folder that may be served, without planning it. */
    boolean exists(String hash);

    /**
     * A reader for one download, told the spans it will read, in order. A storage that does not fetch ahead
     * never asks for them: a download of 65,536 files would otherwise list 65,536 spans for nothing.
     */
    EntryReader reader(Supplier<List<Span>> spans);

    /** Whether archives can be served now. */
    Readiness readiness();

    /** Whether entries are local files, which the zero-copy path can send with {@code sendfile}. */
    boolean localFiles();

    /** Requests to a remote store open right now (GETs and HEADs); a hang-up brings them down within a chunk. */
    default int requestsInFlight() {
        return 0;
    }
}
