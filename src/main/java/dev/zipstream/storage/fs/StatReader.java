package dev.zipstream.storage.fs;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Reads one file's {@code stat} into {@link FileFacts}, in one of two ways that give the same facts from the same
 * system call (a test compares them file by file).
 *
 * <p>The JDK's only public way to a file's ctime, device and inode is the {@code unix} attribute view, which
 * parses the attribute names and builds a map of boxed values on every call: for a folder of 65,536 small files
 * that map is about half of the bytes a planning allocates, and the collector's work on them about a quarter of
 * its CPU. The JDK's {@code PosixFileAttributes} result of the same {@code lstat} holds all of it in fields
 * ({@code sun.nio.fs.UnixFileAttributes}, the same on JDK 17 and 25), so where the JVM was started with
 * {@code --add-opens=java.base/sun.nio.fs=ALL-UNNAMED} they are read from there ({@link JdkFields}). Without
 * that flag, or on a JDK whose class has other fields, the map ({@link AttributeMap}): slower, never different
 * (the times are converted as the JDK converts them, to the last nanosecond).
 */
interface StatReader {

    /** The faster of the two this JVM allows ({@link FileSystemStorage} logs which). */
    StatReader BEST = JdkFields.available() ? new JdkFields() : new AttributeMap();

    FileFacts read(Path path, LinkOption... options) throws IOException;

    /** For the log line that says which way the service reads file facts. */
    String description();

    /** Through the {@code unix} attribute view's map: public API, works on every JDK. */
    final class AttributeMap implements StatReader {
        /**
         * {@code fileKey} is the device and inode in one JDK object (equal for the same file): fewer map entries
         * and objects per file than {@code dev} and {@code ino} apart. {@code ino} alone is read too, for the
         * durable CRC index, which must not key on the device (see {@link FileStamp#indexStamp()}).
         */
        private static final String ATTRIBUTES = "unix:mode,uid,gid,size,lastModifiedTime,ctime,ino,fileKey";

        @Override
        public FileFacts read(Path path, LinkOption... options) throws IOException {
            Map<String, Object> attributes = Files.readAttributes(path, ATTRIBUTES, options);
            FileStamp stamp = new FileStamp((Long) attributes.get("size"), nanos(attributes.get("lastModifiedTime")),
                    nanos(attributes.get("ctime")), (Long) attributes.get("ino"), attributes.get("fileKey"));
            return FileFacts.of((Integer) attributes.get("mode"), (Integer) attributes.get("uid"),
                    (Integer) attributes.get("gid"), stamp);
        }

        private static long nanos(Object time) {
            return ((FileTime) time).to(TimeUnit.NANOSECONDS);
        }

        @Override
        public String description() {
            if (JdkFields.packageOpened()) {
                return "through the JDK's attribute map (java.base/sun.nio.fs is opened, but this JDK's stat result"
                        + " is not the one known)";
            }
            return "through the JDK's attribute map (start the JVM with --add-opens=java.base/sun.nio.fs=ALL-UNNAMED"
                    + " to plan large folders faster)";
        }
    }

    /**
     * From the fields of the JDK's own {@code stat} result. The handles are static finals, so the compiler
     * (C1 too) binds each read to its field.
     */
    final class JdkFields implements StatReader {
        private static final StatReader ATTRIBUTE_MAP = new AttributeMap();
        private static final Class<?> ATTRIBUTES_CLASS = attributesClass();
        private static final MethodHandles.Lookup PRIVATE = privateLookup();
        private static final VarHandle MODE = field("st_mode", int.class);
        private static final VarHandle USER = field("st_uid", int.class);
        private static final VarHandle GROUP = field("st_gid", int.class);
        private static final VarHandle SIZE = field("st_size", long.class);
        private static final VarHandle INODE = field("st_ino", long.class);
        private static final VarHandle MODIFIED_SECONDS = field("st_mtime_sec", long.class);
        private static final VarHandle MODIFIED_NANOS = field("st_mtime_nsec", long.class);
        private static final VarHandle CHANGED_SECONDS = field("st_ctime_sec", long.class);
        private static final VarHandle CHANGED_NANOS = field("st_ctime_nsec", long.class);

        /** Whether the JVM opens {@code java.base/sun.nio.fs} to the service's code. */
        static boolean packageOpened() {
            return PRIVATE != null;
        }

        /** Whether every field could be bound: the package is opened to us and the class is the one we know. */
        static boolean available() {
            return MODE != null && USER != null && GROUP != null && SIZE != null && INODE != null
                    && MODIFIED_SECONDS != null && MODIFIED_NANOS != null && CHANGED_SECONDS != null
                    && CHANGED_NANOS != null;
        }

        @Override
        public FileFacts read(Path path, LinkOption... options) throws IOException {
            PosixFileAttributes attributes = Files.readAttributes(path, PosixFileAttributes.class, options);
            if (!ATTRIBUTES_CLASS.isInstance(attributes)) {
                return ATTRIBUTE_MAP.read(path, options); // another file system provider than the JDK's
            }
            FileStamp stamp = new FileStamp((long) SIZE.get(attributes),
                    nanos((long) MODIFIED_SECONDS.get(attributes), (long) MODIFIED_NANOS.get(attributes)),
                    nanos((long) CHANGED_SECONDS.get(attributes), (long) CHANGED_NANOS.get(attributes)),
                    (long) INODE.get(attributes), attributes.fileKey());
            return FileFacts.of((int) MODE.get(attributes), (int) USER.get(attributes), (int) GROUP.get(attributes),
                    stamp);
        }

        /**
         * Seconds and nanoseconds as one count of nanoseconds, exactly as the attribute map's times come out
         * ({@code UnixFileAttributes.toFileTime}, then {@code FileTime.to(NANOSECONDS)}), so both readers agree
         * on every time, also those beyond the years 1677 and 2262 that a count of nanoseconds cannot hold.
         */
        static long nanos(long seconds, long nanos) {
            if (nanos == 0) {
                return TimeUnit.SECONDS.toNanos(seconds);
            }
            try {
                return Math.addExact(nanos, Math.multiplyExact(seconds, 1_000_000_000L));
            } catch (ArithmeticException beyondRange) {
                // The JDK's own fallback, to microseconds, unchecked as it is there.
                return TimeUnit.MICROSECONDS.toNanos(seconds * 1_000_000L + nanos / 1_000L);
            }
        }

        @Override
        public String description() {
            return "from the JDK's stat result (java.base/sun.nio.fs opened)";
        }

        private static Class<?> attributesClass() {
            try {
                return Class.forName("sun.nio.fs.UnixFileAttributes");
            } catch (ClassNotFoundException | LinkageError notUnix) {
                return null;
            }
        }

        private static MethodHandles.Lookup privateLookup() {
            if (ATTRIBUTES_CLASS == null) {
                return null;
            }
            try {
                return MethodHandles.privateLookupIn(ATTRIBUTES_CLASS, MethodHandles.lookup());
            } catch (IllegalAccessException notOpened) {
                return null;
            }
        }

        private static VarHandle field(String name, Class<?> type) {
            if (PRIVATE == null) {
                return null;
            }
            try {
                return PRIVATE.findVarHandle(ATTRIBUTES_CLASS, name, type);
            } catch (NoSuchFieldException | IllegalAccessException otherJdk) {
                return null;
            }
        }
    }
}
