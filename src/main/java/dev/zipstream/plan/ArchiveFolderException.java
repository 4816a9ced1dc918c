package dev.zipstream.plan;

import java.nio.file.Path;

/** Why a folder cannot be made into an archive; each kind maps to one HTTP answer. */
public abstract sealed class ArchiveFolderException extends Exception {

    private final Path path;

    ArchiveFolderException(String message, Path path, Throwable cause) {
        super(message + ": " + path, cause);
        this.path = path;
    }

    /** The file or folder the problem is about, for the log (never shown to the client). */
    public Path path() {
        return path;
    }

    /** A symbolic link somewhere in the folder resolves outside the served root: refused as if missing. */
    public static final class OutsideRoot extends ArchiveFolderException {
        public OutsideRoot(Path link) {
            super("symbolic link leads outside the served root", link, null);
        }
    }

    /** A file or sub-folder cannot be read: the archive would be incomplete, so it is not offered at all. */
    public static final class Unreadable extends ArchiveFolderException {
        public Unreadable(Path path, Throwable cause) {
            super("cannot be read", path, cause);
        }
    }

    /** A name that a ZIP entry cannot hold (longer than 65,535 bytes once UTF-8 encoded). */
    public static final class UnsupportedName extends ArchiveFolderException {
        public UnsupportedName(Path path) {
            super("name too long for a ZIP entry", path, null);
        }
    }
}
