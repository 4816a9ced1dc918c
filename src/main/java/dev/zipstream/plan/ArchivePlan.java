package dev.zipstream.plan;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;

import dev.zipstream.zip.ZipEntrySpec;
import dev.zipstream.zip.ZipLayout;

/**
 * A complete description of one archive before any of its bytes exist: every entry with its offset, where the
 * central directory starts and ends, the total length, and the validators (ETag, Last-Modified).
 *
 * <p>Everything here follows from names, sizes, times and permissions alone. The CRC-32s come later, from the
 * files, but they never change a length.
 */
public final class ArchivePlan {

    /**
     * Bumped whenever the bytes written for the same folder change (header layout, extra fields, entry order), so
     * that a client never resumes an archive of the old format with bytes of the new one.
     */
    public static final int FORMAT_VERSION = 1;

    private final List<ArchiveEntry> entries;
    private final long centralDirectoryOffset;
    private final long centralDirectoryLength;
    private final long length;
    private final Instant lastModified;
    private final String etag;

    private ArchivePlan(List<ArchiveEntry> entries, long centralDirectoryOffset, long centralDirectoryLength,
            Instant lastModified, String etag) {
        this.entries = entries;
        this.centralDirectoryOffset = centralDirectoryOffset;
        this.centralDirectoryLength = centralDirectoryLength;
        this.length = centralDirectoryOffset + centralDirectoryLength
                + ZipLayout.endRecordsLength(entries.size(), centralDirectoryOffset, centralDirectoryLength);
        this.lastModified = lastModified;
        this.etag = etag;
    }

    /** One entry to lay out: its ZIP description and, for a file, where to read it and its stamp. */
    public record Source(ZipEntrySpec spec, Path path, FileStamp stamp) {
    }

    /** Assigns every entry its offset, in the given order, and computes the archive's length and validators. */
    public static ArchivePlan layOut(List<Source> sources) {
        List<ArchiveEntry> entries = new ArrayList<>(sources.size());
        MessageDigest digest = sha256();
        digest.update(ByteBuffer.allocate(4).putInt(FORMAT_VERSION).array());
        long offset = 0;
        long newestSecond = 0;
        for (Source source : sources) {
            ArchiveEntry entry = new ArchiveEntry(source.spec(), source.path(), source.stamp(), offset);
            entries.add(entry);
            offset = entry.endOffset();
            newestSecond = Math.max(newestSecond, source.spec().modifiedEpochSecond());
            fingerprint(digest, source);
        }
        long centralDirectoryLength = 0;
        for (ArchiveEntry entry : entries) {
            centralDirectoryLength += ZipLayout.centralHeaderLength(entry.spec(), entry.localHeaderOffset());
        }
        String etag = '"' + Base64.getUrlEncoder().withoutPadding().encodeToString(digest.digest()).substring(0, 27)
                + '"';
        return new ArchivePlan(Collections.unmodifiableList(entries), offset, centralDirectoryLength,
                Instant.ofEpochSecond(newestSecond), etag);
    }

    private static void fingerprint(MessageDigest digest, Source source) {
        ZipEntrySpec spec = source.spec();
        digest.update(ByteBuffer.allocate(4).putInt(spec.name().length).array());
        digest.update(spec.name());
        long modifiedNanos = source.stamp() == null ? spec.modifiedEpochSecond() * 1_000_000_000L
                : source.stamp().modifiedNanos();
        long changedNanos = source.stamp() == null ? 0 : source.stamp().changedNanos();
        digest.update(ByteBuffer.allocate(29).putLong(spec.size()).putLong(modifiedNanos).putLong(changedNanos)
                .putInt(spec.unixPermissions()).put((byte) (spec.directory() ? 1 : 0)).array());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }

    public List<ArchiveEntry> entries() {
        return entries;
    }

    public long centralDirectoryOffset() {
        return centralDirectoryOffset;
    }

    public long centralDirectoryLength() {
        return centralDirectoryLength;
    }

    /** Offset of the end records (ZIP64 end record and locator if needed, then the end of central directory). */
    public long endRecordsOffset() {
        return centralDirectoryOffset + centralDirectoryLength;
    }

    /** The exact archive length in bytes: the response's Content-Length. */
    public long length() {
        return length;
    }

    /** The newest modification time among the entries, whole seconds (as HTTP dates are). */
    public Instant lastModified() {
        return lastModified;
    }

    /** A strong entity tag: equal for every request while the folder's names, sizes, times and modes stay. */
    public String etag() {
        return etag;
    }

    public long fileBytes() {
        long total = 0;
        for (ArchiveEntry entry : entries) {
            total += entry.size();
        }
        return total;
    }

    /** Index of the entry whose local header or data holds {@code offset}, for an offset before the directory. */
    public int entryIndexAt(long offset) {
        int low = 0;
        int high = entries.size() - 1;
        while (low < high) {
            int mid = (low + high + 1) >>> 1;
            if (entries.get(mid).localHeaderOffset() <= offset) {
                low = mid;
            } else {
                high = mid - 1;
            }
        }
        return low;
    }
}
