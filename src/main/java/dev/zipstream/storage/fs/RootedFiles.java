package dev.zipstream.storage.fs;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Set;

import dev.zipstream.storage.EntryChangedException;

/**
 * Opens files and folders below the served root without following any symbolic link: a path is walked from the
 * root one folder at a time, each opened relative to the one before with {@code O_NOFOLLOW} ({@code openat}). A
 * folder or file swapped for a link after the archive was planned therefore fails to open instead of leading a
 * read outside the root. Paths given here are real paths (links already resolved and checked at planning).
 *
 * <p>Keeps the folder of the last file opened, since an archive's files come folder by folder, so
 * {@link #openFile} is not thread-safe; {@link #openDirectory} keeps nothing and may be called from several
 * threads at once (the planner lists sub-folders ahead on other cores). Close it when done.
 */
public final class RootedFiles implements AutoCloseable {

    private final Path realRoot;
    private Path cachedPath;
    private SecureDirectoryStream<Path> cachedDirectory;

    public RootedFiles(Path realRoot) {
        this.realRoot = realRoot;
    }

    /**
     * Opens a regular file for reading; fails if any part of its path is (now) a symbolic link, or if the file is
     * no longer a regular file. A named pipe put in a file's place (an uploader's {@code rsync -a} makes them)
     * would block the opening thread until something writes to it, for ever, and the JDK cannot open without
     * blocking ({@code O_NONBLOCK}): so the type is looked at first ({@code fstatat} on the open folder, about a
     * microsecond). That leaves the microseconds between the look and the open to a pipe swapped in right then.
     */
    public FileChannel openFile(Path realFile) throws IOException {
        SecureDirectoryStream<Path> directory = directory(realFile.getParent());
        Path name = realFile.getFileName();
        BasicFileAttributes type = directory.getFileAttributeView(name, BasicFileAttributeView.class,
                LinkOption.NOFOLLOW_LINKS).readAttributes();
        if (!type.isRegularFile()) {
            throw new EntryChangedException(realFile.toString(),
                    "is no longer a regular file (now " + kind(type) + ")");
        }
        return (FileChannel) directory.newByteChannel(name, Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS));
    }

    private static String kind(BasicFileAttributes type) {
        if (type.isDirectory()) {
            return "a folder";
        }
        return type.isSymbolicLink() ? "a symbolic link" : "a pipe, socket or device";
    }

    /** Opens a folder for listing; the caller closes the stream. */
    public DirectoryStream<Path> openDirectory(Path realDirectory) throws IOException {
        return walk(realDirectory);
    }

    private SecureDirectoryStream<Path> directory(Path realDirectory) throws IOException {
        if (!realDirectory.equals(cachedPath)) {
            closeCached();
            cachedDirectory = walk(realDirectory);
            cachedPath = realDirectory;
        }
        return cachedDirectory;
    }

    private SecureDirectoryStream<Path> walk(Path realDirectory) throws IOException {
        if (!realDirectory.startsWith(realRoot)) {
            throw new IOException(realDirectory + " is not below the served root");
        }
        DirectoryStream<Path> rootStream = Files.newDirectoryStream(realRoot);
        if (!(rootStream instanceof SecureDirectoryStream<Path> directory)) {
            rootStream.close();
            throw new IOException("this platform cannot open folders without following links (no openat)");
        }
        if (realDirectory.equals(realRoot)) {
            return directory;
        }
        try {
            for (Path name : realRoot.relativize(realDirectory)) {
                SecureDirectoryStream<Path> next = directory.newDirectoryStream(name, LinkOption.NOFOLLOW_LINKS);
                directory.close();
                directory = next;
            }
            return directory;
        } catch (IOException | RuntimeException e) {
            directory.close();
            throw e;
        }
    }

    private void closeCached() throws IOException {
        SecureDirectoryStream<Path> open = cachedDirectory;
        cachedDirectory = null;
        cachedPath = null;
        if (open != null) {
            open.close();
        }
    }

    @Override
    public void close() throws IOException {
        closeCached();
    }
}
