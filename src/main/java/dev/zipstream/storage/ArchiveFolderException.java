package dev.zipstream.storage;

/** Why a folder cannot be made into an archive; each kind maps to one HTTP answer. */
public abstract sealed class ArchiveFolderException extends Exception {

    private final String location;

    ArchiveFolderException(String message, String location, Throwable cause) {
        super(message + ": " + location, cause);
        this.location = location;
    }

    /** The file, folder, object or prefix the problem is about, for the log (never shown to the client). */
    public String location() {
        return location;
    }

    /** A symbolic link somewhere in the folder resolves outside the served root: refused as if missing. */
    public static final class OutsideRoot extends ArchiveFolderException {
        public OutsideRoot(String link) {
            super("symbolic link leads outside the served root", link, null);
        }
    }

    /** A file, sub-folder or object cannot be read: the archive would be incomplete, so it is not offered at all. */
    public static final class Unreadable extends ArchiveFolderException {
        public Unreadable(String location, Throwable cause) {
            super("cannot be read", location, cause);
        }

        public Unreadable(String location, String why, Throwable cause) {
            super("cannot be read (" + why + ")", location, cause);
        }
    }

    /** A name that a ZIP entry cannot hold (longer than 65,535 bytes once UTF-8 encoded). */
    public static final class UnsupportedName extends ArchiveFolderException {
        public UnsupportedName(String location) {
            super("name too long for a ZIP entry", location, null);
        }
    }
}
