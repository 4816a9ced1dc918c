package dev.zipstream.plan;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import dev.zipstream.storage.Storage;
import dev.zipstream.storage.StoredObject;
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

    /** Entries per digest in a large folder's ETag (see {@link #fingerprint(List)}). */
    static final int FINGERPRINT_RUN = 8192;

    private final Storage storage;
    private final String folder;
    private final List<ArchiveEntry> entries;
    private final long centralDirectoryOffset;
    private final long centralDirectoryLength;
    private final long length;
    private final Instant lastModified;
    private final String etag;
    private volatile Map<String, String> indexStamps;
    private final LearnedCrcs learnedCrcs;

    private ArchivePlan(Storage storage, String folder, List<ArchiveEntry> entries, long centralDirectoryOffset,
            long centralDirectoryLength, Instant lastModified, String etag) {
        this.storage = storage;
        this.folder = folder;
        this.entries = entries;
        this.centralDirectoryOffset = centralDirectoryOffset;
        this.centralDirectoryLength = centralDirectoryLength;
        this.length = centralDirectoryOffset + centralDirectoryLength
                + ZipLayout.endRecordsLength(entries.size(), centralDirectoryOffset, centralDirectoryLength);
        this.lastModified = lastModified;
        this.etag = etag;
        this.learnedCrcs = new LearnedCrcs(entries.size());
    }

    /** The CRC-32s the downloads of this plan have learned so far (8 bytes per entry). */
    public LearnedCrcs learnedCrcs() {
        return learnedCrcs;
    }

    /** One entry to lay out: its ZIP description and, for a file, the version of its content to read. */
    public record Source(ZipEntrySpec spec, StoredObject object) {
    }

    /**
     * Assigns every entry its offset, in the given order, and computes the archive's length and validators.
     *
     * @param storage where every source is read from
     * @param folder the folder's id in the CRC index (the storage's {@link dev.zipstream.storage.Listing#folderId()})
     * @param folderModified when the archived folder itself last changed (a file removed or renamed), or null
     */
    public static ArchivePlan layOut(Storage storage, String folder, List<Source> sources, Instant folderModified) {
        List<ArchiveEntry> entries = new ArrayList<>(sources.size());
        long offset = 0;
        long newestSecond = folderModified == null ? 0 : folderModified.getEpochSecond();
        for (Source source : sources) {
            ArchiveEntry entry = new ArchiveEntry(source.spec(), source.object(), offset);
            entries.add(entry);
            offset = entry.endOffset();
            newestSecond = Math.max(newestSecond, source.spec().modifiedEpochSecond());
        }
        long centralDirectoryLength = 0;
        for (ArchiveEntry entry : entries) {
            centralDirectoryLength += ZipLayout.centralHeaderLength(entry.spec(), entry.localHeaderOffset());
        }
        String digest = Base64.getUrlEncoder().withoutPadding().encodeToString(fingerprint(sources));
        String etag = '"' + digest.substring(0, 27) + '"';
        // Never in the future (a camera clock set ahead): RFC 9110 forbids a Last-Modified later than Date.
        Instant lastModified = Instant.ofEpochSecond(Math.min(newestSecond, Instant.now().getEpochSecond()));
        return new ArchivePlan(storage, folder, Collections.unmodifiableList(entries), offset,
                centralDirectoryLength,
                lastModified, etag);
    }

    /**
     * The SHA-256 the ETag is cut from: of the format's version and every source in order; for a folder of more
     * than {@link #FINGERPRINT_RUN} entries, of the version and the digests of its runs of that many, made on all
     * cores. A planning of 65,536 files spent about 45 ms hashing on one thread: the service runs on C1, which has
     * no SHA intrinsic. The runs are fixed in length, so the ETag does not depend on the number of cores.
     */
    static byte[] fingerprint(List<Source> sources) {
        MessageDigest digest = sha256();
        digest.update(ByteBuffer.allocate(Integer.BYTES).putInt(FORMAT_VERSION).array());
        if (sources.size() <= FINGERPRINT_RUN) {
            fingerprint(digest, sources);
        } else {
            byte[][] runs = new byte[(sources.size() + FINGERPRINT_RUN - 1) / FINGERPRINT_RUN][];
            IntStream.range(0, runs.length).parallel().forEach(run -> {
                MessageDigest runDigest = sha256();
                fingerprint(runDigest, sources.subList(run * FINGERPRINT_RUN,
                        Math.min(sources.size(), (run + 1) * FINGERPRINT_RUN)));
                runs[run] = runDigest.digest();
            });
            for (byte[] run : runs) {
                digest.update(run);
            }
        }
        return digest.digest();
    }

    private static void fingerprint(MessageDigest digest, List<Source> sources) {
        ByteBuffer scratch = ByteBuffer.allocate(Long.BYTES * 2 + Integer.BYTES + 1);
        for (Source source : sources) {
            fingerprint(digest, scratch, source);
        }
    }

    /**
     * Name, size, time, mode and type (all of which go into the bytes), then what identifies the content's version
     * (times and ctime on a volume; key and ETag in S3).
     */
    private static void fingerprint(MessageDigest digest, ByteBuffer scratch, Source source) {
        ZipEntrySpec spec = source.spec();
        digest.update(scratch.clear().putInt(spec.name().length).flip());
        digest.update(spec.name());
        digest.update(scratch.clear().putLong(spec.size()).putLong(spec.modifiedEpochSecond())
                .putInt(spec.unixPermissions()).put((byte) (spec.directory() ? 1 : 0)).flip());
        if (source.object() != null) {
            source.object().fingerprint(digest);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }

    /** Where the entries' contents are read from. */
    public Storage storage() {
        return storage;
    }

    /** The folder's id in the CRC index: its real path below the root on a volume, its prefix's URL in S3. */
    public String folder() {
        return folder;
    }

    /** Every file entry's name and {@link StoredObject#indexStamp()}: what the folder's index may hold now. */
    public Map<String, String> indexStamps() {
        Map<String, String> stamps = indexStamps;
        if (stamps == null) {
            Map<String, String> made = new LinkedHashMap<>();
            for (ArchiveEntry entry : entries) {
                if (!entry.isDirectory() && entry.size() > 0) {
                    made.put(entry.name(), entry.source().indexStamp());
                }
            }
            stamps = Collections.unmodifiableMap(made);
            indexStamps = stamps;
        }
        return stamps;
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
