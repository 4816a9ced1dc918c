package dev.zipstream.storage.fs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.zipstream.storage.ArchiveFolderException;

/**
 * Everything the service needs of a file from one {@code stat}: its type, permission bits and {@link FileStamp}.
 * Read through the JDK's {@code unix} attribute view, the only one that exposes ctime, device and inode.
 */
record FileFacts(Type type, int permissions, FileStamp stamp) {

    enum Type {
        REGULAR_FILE, DIRECTORY, SYMBOLIC_LINK, OTHER
    }

    /**
     * {@code fileKey} is the device and inode in one JDK object (equal for the same file): fewer map entries and
     * objects per file than {@code dev} and {@code ino} kept apart, which counts when a folder holds 65,536 files.
     * {@code ino} alone is read too, for the durable CRC index, which must not key on the device (see
     * {@link FileStamp#indexStamp()}).
     */
    private static final String ATTRIBUTES = "unix:mode,size,lastModifiedTime,ctime,ino,fileKey";
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
        Map<String, Object> attributes = Files.readAttributes(path, ATTRIBUTES, options);
        int mode = (Integer) attributes.get("mode");
        Type type = switch (mode & S_IFMT) {
            case S_IFREG -> Type.REGULAR_FILE;
            case S_IFDIR -> Type.DIRECTORY;
            case S_IFLNK -> Type.SYMBOLIC_LINK;
            default -> Type.OTHER;
        };
        FileStamp stamp = new FileStamp((Long) attributes.get("size"),
                nanos(attributes.get("lastModifiedTime")), nanos(attributes.get("ctime")), (Long) attributes.get("ino"),
                attributes.get("fileKey"));
        return new FileFacts(type, mode & 07777, stamp);
    }

    private static long nanos(Object time) {
        return ((FileTime) time).to(TimeUnit.NANOSECONDS);
    }
}
