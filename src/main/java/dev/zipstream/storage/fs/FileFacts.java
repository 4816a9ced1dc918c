package dev.zipstream.storage.fs;

import java.io.IOException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import dev.zipstream.storage.ArchiveFolderException;

/**
 * Everything the service needs of a file from one {@code stat}: its type, permission bits and owner, and
 * {@link FileStamp}. Read by {@link StatReader}, the only way to ctime, device and inode the JDK offers.
 */
record FileFacts(Type type, FileOwner owner, FileStamp stamp) {

    enum Type {
        REGULAR_FILE, DIRECTORY, SYMBOLIC_LINK, OTHER
    }

    private static final int S_IFMT = 0170000;
    private static final int S_IFREG = 0100000;
    private static final int S_IFDIR = 0040000;
    private static final int S_IFLNK = 0120000;

    /** The facts, or null if the file vanished (it is then simply not in the archive). */
    static FileFacts readOrNull(Path path, LinkOption... options) throws ArchiveFolderException {
        try {
            return read(path, options);
        } catch (NoSuchFileException gone) {
            return null;
        } catch (IOException e) {
            throw new ArchiveFolderException.Unreadable(path.toString(), e);
        }
    }

    static FileFacts read(Path path, LinkOption... options) throws IOException {
        return StatReader.BEST.read(path, options);
    }

    /**
     * The facts from the fields of a {@code struct stat}: {@code st_mode} holds both the type and the permissions,
     * {@code uid} and {@code gid} are {@code st_uid} and {@code st_gid}.
     */
    static FileFacts of(int mode, int uid, int gid, FileStamp stamp) {
        Type type = switch (mode & S_IFMT) {
            case S_IFREG -> Type.REGULAR_FILE;
            case S_IFDIR -> Type.DIRECTORY;
            case S_IFLNK -> Type.SYMBOLIC_LINK;
            default -> Type.OTHER;
        };
        return new FileFacts(type, new FileOwner(mode & 07777, uid, gid), stamp);
    }

    /** The permission bits, {@code 07777} of {@code st_mode}. */
    int permissions() {
        return owner.permissions();
    }
}
