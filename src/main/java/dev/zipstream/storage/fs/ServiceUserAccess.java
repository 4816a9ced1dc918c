package dev.zipstream.storage.fs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.LongStream;

/**
 * Whether the service's own user may read a file or folder, decided from the permission bits and owner that the
 * planner's {@code lstat} of it already gave, as the kernel decides it: the owner's bits if the service's user
 * owns it, else the group's if the user is in its group, else the others'. Planning 65,536 files spent about a
 * quarter of its time in the {@code access(2)} per file that this saves, each resolving the whole path again.
 *
 * <p>Where the bits deny, {@code access(2)} has the last word, so nothing the kernel would let the service read
 * is refused: root's capabilities and ACL entries that grant count there. Where the bits grant, the kernel can
 * still refuse in setups the bits do not show: an ACL entry or a security module (SELinux, AppArmor) that denies
 * this user in particular, a network or FUSE mount whose modes are not what its server enforces, or a user
 * namespace that shows owners it does not map as the overflow id (65534) the service may run as. Such a file
 * fails when its download opens it; that download ends cut short, with a log line naming the file, and is never
 * presented as complete.
 *
 * <p>The ids are the process's real uid, real gid and supplementary groups, as {@code access(2)} uses them, read
 * from {@code /proc/self/status}: the JDK's {@code UnixSystem} reports the passwd entry's group instead of the
 * real gid, and uid 0 for a uid without a passwd entry (OpenShift's arbitrary uids), which would have this grant
 * what the kernel refuses. Where that file cannot be read (not Linux), every decision is {@code access(2)}'s.
 */
public final class ServiceUserAccess implements FolderScanner.ReadAccess {

    private static final Path PROCESS_STATUS = Path.of("/proc/self/status");
    private static final int OWNER_READ = 0400;
    private static final int GROUP_READ = 0040;
    private static final int OTHERS_READ = 0004;

    private final long uid;
    /** The real gid and the supplementary groups, sorted. */
    private final long[] groups;
    private final Predicate<Path> kernel;

    ServiceUserAccess(long uid, long[] groups, Predicate<Path> kernel) {
        this.uid = uid;
        this.groups = LongStream.of(groups).sorted().distinct().toArray();
        this.kernel = kernel;
    }

    /** For the user this process runs as; {@link KernelOnly} where its ids cannot be read. */
    public static FolderScanner.ReadAccess forThisProcess() {
        try {
            return fromStatus(Files.readAllLines(PROCESS_STATUS), Files::isReadable);
        } catch (IOException | RuntimeException unknown) {
            return new KernelOnly(unknown.toString());
        }
    }

    /**
     * From the lines of a {@code /proc/PID/status}: {@code Uid:} and {@code Gid:} give the real, effective,
     * saved and file-system ids in that order, {@code Groups:} the supplementary groups (possibly none).
     */
    static ServiceUserAccess fromStatus(List<String> status, Predicate<Path> kernel) {
        long[] uids = null;
        long[] gids = null;
        long[] supplementary = null;
        for (String line : status) {
            if (line.startsWith("Uid:")) {
                uids = ids(line);
            } else if (line.startsWith("Gid:")) {
                gids = ids(line);
            } else if (line.startsWith("Groups:")) {
                supplementary = ids(line);
            }
        }
        if (uids == null || uids.length == 0 || gids == null || gids.length == 0 || supplementary == null) {
            throw new IllegalArgumentException("no Uid, Gid and Groups lines in the process status");
        }
        long[] all = Arrays.copyOf(supplementary, supplementary.length + 1);
        all[supplementary.length] = gids[0];
        return new ServiceUserAccess(uids[0], all, kernel);
    }

    private static long[] ids(String line) {
        String values = line.substring(line.indexOf(':') + 1).trim();
        if (values.isEmpty()) {
            return new long[0];
        }
        return Arrays.stream(values.split("\\s+")).mapToLong(Long::parseLong).toArray();
    }

    @Override
    public boolean isReadable(Path path, FileOwner owner) {
        return bitsGrantRead(owner) || kernel.test(path);
    }

    /** Whether the bits of the class the service's user is in (owner, group, others) include reading. */
    boolean bitsGrantRead(FileOwner owner) {
        int bits;
        if (Integer.toUnsignedLong(owner.uid()) == uid) {
            bits = OWNER_READ;
        } else if (Arrays.binarySearch(groups, Integer.toUnsignedLong(owner.gid())) >= 0) {
            bits = GROUP_READ;
        } else {
            bits = OTHERS_READ;
        }
        return (owner.permissions() & bits) != 0;
    }

    /** For the log: whose permissions these are. */
    @Override
    public String toString() {
        return "uid " + uid + ", groups " + Arrays.toString(groups);
    }

    /** Every file asked of {@code access(2)}: where the service's ids are unknown. */
    public record KernelOnly(String why) implements FolderScanner.ReadAccess {
        @Override
        public boolean isReadable(Path path, FileOwner owner) {
            return Files.isReadable(path);
        }
    }
}
