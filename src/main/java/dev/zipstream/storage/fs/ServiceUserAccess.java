package dev.zipstream.storage.fs;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.Predicate;
import java.util.stream.LongStream;

import com.sun.security.auth.module.UnixSystem;

/**
 * Whether the service's own user may read a file or folder, decided from the permission bits and owner that the
 * planner's {@code lstat} of it already gave, as the kernel decides it: the owner's bits if the service's user
 * owns it, else the group's if the user is in its group, else the others'. Planning 65,536 files spent about a
 * quarter of its time in the {@code access(2)} per file that this saves, each resolving the whole path again.
 *
 * <p>Where the bits deny, {@code access(2)} has the last word, so nothing the kernel would let the service read
 * is refused: root's capabilities and ACL entries that grant count there. Where the bits grant, the kernel can
 * still refuse in setups the bits do not show: an ACL entry or a security module (SELinux, AppArmor) that denies
 * this user in particular, or a network mount whose modes are not what its server enforces. Such a file fails when
 * its download opens it; that download ends cut short, with a log line naming the file, and is never presented as
 * complete. The ids are the process's real ones, as {@code access(2)} uses.
 */
public final class ServiceUserAccess implements FolderScanner.ReadAccess {

    private static final int OWNER_READ = 0400;
    private static final int GROUP_READ = 0040;
    private static final int OTHERS_READ = 0004;

    private final long uid;
    /** The primary group and the supplementary ones, sorted. */
    private final long[] groups;
    private final Predicate<Path> kernel;

    ServiceUserAccess(long uid, long[] groups, Predicate<Path> kernel) {
        this.uid = uid;
        this.groups = LongStream.of(groups).sorted().distinct().toArray();
        this.kernel = kernel;
    }

    /**
     * For the user this process runs as; where the JDK cannot tell who that is (no {@code jdk.security.auth}
     * module), every decision is {@code access(2)}'s.
     */
    public static FolderScanner.ReadAccess forThisProcess() {
        try {
            UnixSystem user = new UnixSystem();
            long[] groups = user.getGroups() == null ? new long[0] : user.getGroups();
            long[] all = Arrays.copyOf(groups, groups.length + 1);
            all[groups.length] = user.getGid();
            return new ServiceUserAccess(user.getUid(), all, Files::isReadable);
        } catch (LinkageError | RuntimeException unknownUser) {
            return (path, owner) -> Files.isReadable(path);
        }
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
}
