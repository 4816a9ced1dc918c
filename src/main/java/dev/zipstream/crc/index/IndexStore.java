package dev.zipstream.crc.index;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

import org.jboss.logging.Logger;

/**
 * One file per archive folder in the index directory, read whole and replaced whole: written to a temporary file
 * of its own, forced to disk, then renamed over the old one. A reader therefore sees either the old file or the
 * new one, never a mix, on local disks, NFS and CephFS alike, and two writers at worst lose each other's latest
 * CRCs (which are then computed again). No locks, no server.
 *
 * <p>Problems are never fatal: an unusable file is ignored with one warning (per version of that file), and a
 * directory that cannot be written is reported once until a write succeeds again. Both count as errors.
 */
public final class IndexStore {

    private static final Logger LOG = Logger.getLogger(IndexStore.class);

    static final String SUFFIX = ".crcs";
    /** A folder id that is a valid link hash is its own file name; anything else is named by its SHA-256. */
    private static final Pattern PLAIN_ID = Pattern.compile("[A-Za-z0-9_-]{1,128}");
    /** Far more than any folder's index (about 100 bytes per file); a bigger file is not ours. */
    private static final long MAX_FILE_BYTES = 512L << 20;

    private final Path directory;
    private final AtomicLong errors = new AtomicLong();
    private final Map<Path, String> warnedFiles = new ConcurrentHashMap<>();
    private final AtomicBoolean writeWarned = new AtomicBoolean();

    public IndexStore(Path directory) {
        this.directory = directory.toAbsolutePath().normalize();
    }

    public Path directory() {
        return directory;
    }

    /** Where a folder's index lives; a name free of separators and dots whatever the folder id holds. */
    public Path fileOf(String folder) {
        String name = PLAIN_ID.matcher(folder).matches() ? folder : sha256(folder) + ".h";
        return directory.resolve(name + SUFFIX);
    }

    /** What tells one version of an index file from the next: its size, time and identity. */
    static String version(BasicFileAttributes attributes) {
        return attributes.size() + "@" + attributes.lastModifiedTime() + "#" + attributes.fileKey();
    }

    /** The folder's index, or empty when there is none or it cannot be used (warned about once). */
    public Optional<FolderIndex> read(String folder) {
        Path file = fileOf(folder);
        String version = "?";
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            version = version(attributes);
            if (attributes.size() > MAX_FILE_BYTES) {
                throw new IndexFormatException("too large (" + attributes.size() + " bytes)");
            }
            FolderIndex index = IndexCodec.decode(Files.readAllBytes(file), folder);
            warnedFiles.remove(file);
            return Optional.of(index);
        } catch (NoSuchFileException none) {
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            errors.incrementAndGet();
            if (!version.equals(warnedFiles.put(file, version))) {
                LOG.warnf("Ignoring the CRC index file %s: %s. Its CRC-32s will be computed again.", file,
                        describe(e));
            }
            return Optional.empty();
        }
    }

    /** Replaces the folder's index atomically; a failure is logged (once until a write succeeds) and counted. */
    public boolean write(FolderIndex index) {
        Path file = fileOf(index.folder());
        Path temporary = directory.resolve(file.getFileName() + "." + UUID.randomUUID() + ".tmp");
        try {
            Files.createDirectories(directory);
            try (FileChannel out = FileChannel.open(temporary, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE)) {
                ByteBuffer bytes = ByteBuffer.wrap(IndexCodec.encode(index));
                while (bytes.hasRemaining()) {
                    out.write(bytes);
                }
                out.force(true);
            }
            moveAtomically(temporary, file);
            forceDirectory();
            if (writeWarned.compareAndSet(true, false)) {
                LOG.infof("The CRC index directory %s is writable again", directory);
            }
            return true;
        } catch (IOException | RuntimeException e) {
            errors.incrementAndGet();
            if (writeWarned.compareAndSet(false, true)) {
                LOG.warnf("Cannot write the CRC index in %s: %s. Archives are still served; CRC-32s learned "
                        + "now are kept in memory only.", directory, describe(e));
            }
            try {
                Files.deleteIfExists(temporary);
            } catch (IOException ignored) {
                // The directory refused the write already; a leftover temporary file is swept by a later scan.
            }
            return false;
        }
    }

    /** Index files and leases that could not be used, and writes that failed, since start. */
    public long errors() {
        return errors.get();
    }

    /** Counts a problem found outside the store (a lease that could not be taken, a scan that failed). */
    public void countError() {
        errors.incrementAndGet();
    }

    private static void moveAtomically(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("the index directory does not support atomic renames", e);
        }
    }

    /** Makes the rename itself durable; file systems that cannot sync a directory are left to their own ways. */
    private void forceDirectory() {
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Not every file system (or OS) lets a directory be opened and synced; the rename is still atomic.
        }
    }

    static String describe(Throwable e) {
        String message = e.getMessage();
        String what = e instanceof IndexFormatException ? "" : e.getClass().getSimpleName() + ": ";
        return what + (message == null ? "no detail" : message);
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }
}
