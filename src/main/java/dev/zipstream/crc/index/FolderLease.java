package dev.zipstream.crc.index;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * A claim on one folder for a background scan, so that replicas sharing the index directory do not hash the same
 * folder: a file {@code <folder file>.lease} created exclusively ({@code O_CREAT|O_EXCL}, atomic on NFSv3+ and
 * CephFS too), holding its owner and when it expires. A lease left by a replica that died is broken once it has
 * expired. Breaking races with another replica breaking it too, so at worst two replicas hash one folder: the
 * cost is double work, never a wrong CRC.
 */
public final class FolderLease implements AutoCloseable {

    static final String SUFFIX = ".lease";

    private final Path file;
    private final String owner;

    private FolderLease(Path file, String owner) {
        this.file = file;
        this.owner = owner;
    }

    /**
     * Takes the folder's lease for {@code duration}, or returns empty while another owner holds an unexpired one.
     *
     * @throws IOException if the directory cannot be written (then nobody can share work through it)
     */
    public static Optional<FolderLease> tryTake(IndexStore store, String folder, Duration duration, Clock clock)
            throws IOException {
        Path indexFile = store.fileOf(folder);
        Path file = indexFile.resolveSibling(indexFile.getFileName() + SUFFIX);
        String owner = ProcessHandle.current().pid() + "-" + UUID.randomUUID();
        Files.createDirectories(file.getParent());
        for (int attempt = 0; attempt < 2; attempt++) {
            try {
                Files.writeString(file, owner + "\n" + clock.instant().plus(duration) + "\n", StandardCharsets.UTF_8,
                        StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                return Optional.of(new FolderLease(file, owner));
            } catch (FileAlreadyExistsException held) {
                if (!expired(file, clock)) {
                    return Optional.empty();
                }
                breakExpired(file);
            }
        }
        return Optional.empty();
    }

    /** Whether the lease file's expiry has passed; an unreadable lease counts as expired once it is old. */
    private static boolean expired(Path file, Clock clock) throws IOException {
        try {
            String[] lines = Files.readString(file, StandardCharsets.UTF_8).split("\n");
            return lines.length >= 2 && Instant.parse(lines[1].trim()).isBefore(clock.instant());
        } catch (NoSuchFileException released) {
            return true;
        } catch (RuntimeException | IOException garbled) {
            // Half-written by a replica that died at that very moment: give it the longest lease we would take.
            return Files.getLastModifiedTime(file).toInstant().plus(Duration.ofHours(24)).isBefore(clock.instant());
        }
    }

    /** Renames the stale lease away first, so that of two replicas breaking it only one deletes it. */
    private static void breakExpired(Path file) throws IOException {
        Path broken = file.resolveSibling(file.getFileName() + "." + UUID.randomUUID() + ".broken");
        try {
            Files.move(file, broken, StandardCopyOption.ATOMIC_MOVE);
            Files.deleteIfExists(broken);
        } catch (NoSuchFileException alreadyBroken) {
            // Another replica broke it first; the next attempt sees whether it took it.
        }
    }

    /** Gives the folder back, unless the lease expired and another owner took it meanwhile. */
    @Override
    public void close() throws IOException {
        try {
            String content = Files.readString(file, StandardCharsets.UTF_8);
            if (content.startsWith(owner + "\n")) {
                Files.deleteIfExists(file);
            }
        } catch (NoSuchFileException gone) {
            // Broken by another replica after it expired.
        }
    }
}
