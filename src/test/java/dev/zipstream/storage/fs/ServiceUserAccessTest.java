package dev.zipstream.storage.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.sun.security.auth.module.UnixSystem;

/**
 * The read permission decided from a file's bits and owner is the kernel's: checked rule by rule, and against
 * {@code access(2)} itself for another user than root, over every mode and each kind of owner and group.
 */
class ServiceUserAccessTest {

    private static final int NOBODY = 65534;
    private static final int STRANGER = 4242;
    private static final int STRANGERS = 4343;

    private Path dir;

    /** Not JUnit's temporary folder: the other user must be able to reach the files. */
    @BeforeEach
    void makeFolder() throws IOException {
        dir = Files.createTempDirectory("read-access");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @AfterEach
    void removeFolder() throws IOException {
        try (var files = Files.list(dir)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Files.delete(file);
            }
        }
        Files.delete(dir);
    }

    @Test
    void theClassOfTheUserDecidesAsTheKernelDoes() {
        ServiceUserAccess user = new ServiceUserAccess(1000, new long[] {1000, 27}, path -> false);
        assertTrue(user.bitsGrantRead(new FileOwner(0400, 1000, 5)));
        assertFalse(user.bitsGrantRead(new FileOwner(0044, 1000, 27)), "the owner gets the owner's bits only");
        assertTrue(user.bitsGrantRead(new FileOwner(0040, 5, 27)), "a supplementary group");
        assertTrue(user.bitsGrantRead(new FileOwner(0040, 5, 1000)), "the primary group");
        assertFalse(user.bitsGrantRead(new FileOwner(0404, 5, 27)), "a member gets the group's bits only");
        assertTrue(user.bitsGrantRead(new FileOwner(0004, 5, 6)));
        assertFalse(user.bitsGrantRead(new FileOwner(0770, 5, 6)));
        assertFalse(user.bitsGrantRead(new FileOwner(07333, 1000, 27)), "set-id, sticky, write and execute bits");

        ServiceUserAccess highIds = new ServiceUserAccess(4_294_967_294L, new long[] {4_294_967_293L}, path -> false);
        assertTrue(highIds.bitsGrantRead(new FileOwner(0400, -2, 0)), "ids are unsigned");
        assertTrue(highIds.bitsGrantRead(new FileOwner(0040, 0, -3)), "ids are unsigned");
    }

    @Test
    void whereTheBitsDenyTheKernelHasTheLastWord() {
        List<Path> asked = new ArrayList<>();
        Path granted = Path.of("/photos/root-may-read.jpg");
        ServiceUserAccess root = new ServiceUserAccess(0, new long[] {0}, path -> {
            asked.add(path);
            return path.equals(granted);
        });
        assertTrue(root.isReadable(Path.of("/photos/a.jpg"), new FileOwner(0644, 0, 0)));
        assertEquals(List.of(), asked, "the bits grant: no access(2)");

        assertTrue(root.isReadable(granted, new FileOwner(0600, 1000, 1000)), "root's capabilities, an ACL");
        assertFalse(root.isReadable(Path.of("/photos/b.jpg"), new FileOwner(0600, 1000, 1000)));
        assertEquals(List.of(granted, Path.of("/photos/b.jpg")), asked);
    }

    /** As another user the bits alone give access(2)'s answer for every file (no ACLs here). */
    @Test
    void theBitsAgreeWithAccessForAnotherUser() throws Exception {
        Assumptions.assumeTrue(new UnixSystem().getUid() == 0, "needs root, to make files of other owners");
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "needs setpriv (util-linux)");
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/python3")), "needs the system's python3");
        List<Path> files = filesOfEveryModeAndOwner();
        Set<String> kernelReadable = readableAsNobody();

        ServiceUserAccess nobody = new ServiceUserAccess(NOBODY, new long[] {NOBODY}, path -> false);
        int readable = 0;
        for (Path file : files) {
            FileOwner owner = FileFacts.read(file, LinkOption.NOFOLLOW_LINKS).owner();
            boolean kernel = kernelReadable.contains(file.getFileName().toString());
            assertEquals(kernel, nobody.bitsGrantRead(owner), file.getFileName() + " " + owner);
            readable += kernel ? 1 : 0;
        }
        assertEquals(files.size() / 2, readable, "half the modes have the read bit of the class nobody is in");
    }

    /** As root, the service's own decision (bits, then access(2)) is the kernel's for every file. */
    @Test
    void theServiceDecidesAsAccessForItsOwnUser() throws Exception {
        Assumptions.assumeTrue(new UnixSystem().getUid() == 0, "needs root, to make files of other owners");
        FolderScanner.ReadAccess service = ServiceUserAccess.forThisProcess();
        for (Path file : filesOfEveryModeAndOwner()) {
            FileOwner owner = FileFacts.read(file, LinkOption.NOFOLLOW_LINKS).owner();
            assertEquals(Files.isReadable(file), service.isReadable(file, owner), file.getFileName() + " " + owner);
        }
    }

    /** Every mode 0000-0777, owned by nobody, root or a stranger, in nobody's group, root's or strangers'. */
    private List<Path> filesOfEveryModeAndOwner() throws IOException {
        List<Path> files = new ArrayList<>();
        for (int uid : new int[] {NOBODY, 0, STRANGER}) {
            for (int gid : new int[] {NOBODY, 0, STRANGERS}) {
                for (int mode = 0; mode <= 0777; mode++) {
                    Path file = Files.writeString(dir.resolve(uid + "-" + gid + "-" + Integer.toOctalString(mode)),
                            "x");
                    Files.setAttribute(file, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
                    Files.setAttribute(file, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
                    Files.setAttribute(file, "unix:mode", mode, LinkOption.NOFOLLOW_LINKS);
                    files.add(file);
                }
            }
        }
        return files;
    }

    /** The names in the folder that access(2) lets user and group 65534 read. */
    private Set<String> readableAsNobody() throws Exception {
        String oracle = "import os, sys\n"
                + "d = sys.argv[1]\n"
                + "for n in os.listdir(d):\n"
                + "    if os.access(os.path.join(d, n), os.R_OK): print(n)\n";
        Process process = new ProcessBuilder("/usr/bin/setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY,
                "--clear-groups", "/usr/bin/python3", "-c", oracle, dir.toString()).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, process.exitValue(), out);
        return new HashSet<>(out.lines().toList());
    }
}
