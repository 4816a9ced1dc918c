package dev.zipstream.storage.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The read permission decided from a file's bits and owner is the kernel's: checked rule by rule, and against
 * {@code access(2)} itself in a JVM run as other users (one without a passwd entry, one whose real group is not
 * its passwd entry's, with a supplementary group), over every mode and each kind of owner and group.
 */
class ServiceUserAccessTest {

    private static final int NOBODY = 65534;
    /** A uid with no passwd entry, as OpenShift gives a pod. */
    private static final int ARBITRARY = 123456;
    private static final int REAL_GROUP = 4343;
    private static final int SUPPLEMENTARY = 4444;
    private static final int STRANGER = 4242;

    private Path dir;

    /** Not JUnit's temporary folder: the other users must be able to reach the files and the classes. */
    @BeforeEach
    void makeFolder() throws IOException {
        dir = Files.createTempDirectory("read-access");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @AfterEach
    void removeFolder() throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path path : (Iterable<Path>) all.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(path);
            }
        }
    }

    @Test
    void theClassOfTheUserDecidesAsTheKernelDoes() {
        ServiceUserAccess user = new ServiceUserAccess(1000, new long[] {1000, 27}, path -> false);
        assertTrue(user.bitsGrantRead(new FileOwner(0400, 1000, 5)));
        assertFalse(user.bitsGrantRead(new FileOwner(0044, 1000, 27)), "the owner gets the owner's bits only");
        assertTrue(user.bitsGrantRead(new FileOwner(0040, 5, 27)), "a supplementary group");
        assertTrue(user.bitsGrantRead(new FileOwner(0040, 5, 1000)), "the real group");
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

    /** The real ids, not the effective or saved ones, and the supplementary groups, however many. */
    @Test
    void theIdsAreTheRealOnesOfTheProcessStatus() {
        List<String> status = List.of("Name:\tjava", "Umask:\t0022", "Uid:\t185\t1000\t1001\t1002",
                "Gid:\t0\t2000\t2001\t2002", "FDSize:\t256", "Groups:\t44 27 0 ", "NStgid:\t1");
        assertEquals("uid 185, groups [0, 27, 44]", ServiceUserAccess.fromStatus(status, path -> false).toString());
        List<String> noGroups = List.of("Uid:\t123456\t123456\t123456\t123456", "Gid:\t0\t0\t0\t0", "Groups:\t");
        assertEquals("uid 123456, groups [0]", ServiceUserAccess.fromStatus(noGroups, path -> false).toString());
        assertThrows(IllegalArgumentException.class,
                () -> ServiceUserAccess.fromStatus(List.of("Uid:\t0\t0\t0\t0"), path -> false));
    }

    /** This process's ids as the service reads them are those {@code id} prints. */
    @Test
    void theServiceFindsTheIdsThatIdPrints() throws Exception {
        Assumptions.assumeTrue(Files.isReadable(Path.of("/proc/self/status")), "needs Linux's /proc");
        TreeSet<Long> groups = Arrays.stream(run("id", "-G").trim().split("\\s+")).map(Long::valueOf)
                .collect(Collectors.toCollection(TreeSet::new));
        groups.add(Long.valueOf(run("id", "-rg").trim()));
        assertEquals("uid " + run("id", "-ru").trim() + ", groups " + groups,
                ServiceUserAccess.forThisProcess().toString());
    }

    /** As users other than root, the service's decision and the bits alone are access(2)'s for every file. */
    @Test
    void theServiceAgreesWithAccessForOtherUsers() throws Exception {
        Assumptions.assumeTrue(Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid")),
                "needs root, to make files of other owners and run as other users");
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "needs setpriv (util-linux)");
        Assumptions.assumeTrue(mayGiveAway(dir), "needs files given to other ids (a user namespace may lack them)");
        Path files = Files.createDirectory(dir.resolve("files"));
        int count = 0;
        for (int uid : new int[] {NOBODY, ARBITRARY, 0, STRANGER}) {
            for (int gid : new int[] {NOBODY, ARBITRARY, REAL_GROUP, SUPPLEMENTARY, 0}) {
                for (int mode = 0; mode <= 0777; mode++) {
                    Path file = Files.writeString(files.resolve(uid + "-" + gid + "-" + Integer.toOctalString(mode)),
                            "x");
                    Files.setAttribute(file, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
                    Files.setAttribute(file, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
                    Files.setAttribute(file, "unix:mode", mode, LinkOption.NOFOLLOW_LINKS);
                    count++;
                }
            }
        }
        Path classes = oracleClasses();
        assertAgreesWithAccess(classes, files, count, "uid 65534, groups [4343, 4444]",
                "--reuid=" + NOBODY, "--regid=" + REAL_GROUP, "--groups=" + SUPPLEMENTARY);
        assertAgreesWithAccess(classes, files, count, "uid 123456, groups [123456]",
                "--reuid=" + ARBITRARY, "--regid=" + ARBITRARY, "--clear-groups");
    }

    private void assertAgreesWithAccess(Path classes, Path files, int count, String ids, String... user)
            throws Exception {
        List<String> command = new ArrayList<>(List.of("/usr/bin/setpriv"));
        command.addAll(List.of(user));
        command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:-UsePerfData", "-Xmx32m", "-cp", classes.toString(), ReadAccessOracle.class.getName(),
                files.toString()));
        List<String> lines = run(command.toArray(String[]::new)).lines().toList();
        assertEquals(ids, lines.get(0), "the ids the service found");
        int readable = 0;
        for (String line : lines.subList(1, lines.size())) {
            String[] fields = line.split(" ");
            assertEquals(fields[1], fields[2], ids + ": the service's decision for " + fields[0]);
            assertEquals(fields[1], fields[3], ids + ": the bits alone for " + fields[0]);
            readable += Boolean.parseBoolean(fields[1]) ? 1 : 0;
        }
        assertEquals(count, lines.size() - 1, "every file was looked at");
        assertEquals(count / 2, readable, "half the modes have the read bit of the class the user is in");
    }

    /** Whether a file here can be given to every id the test uses (a user namespace may map none of them). */
    private static boolean mayGiveAway(Path dir) throws IOException {
        Path probe = Files.writeString(dir.resolve("probe"), "x");
        try {
            for (int id : new int[] {NOBODY, ARBITRARY, REAL_GROUP, SUPPLEMENTARY, STRANGER}) {
                Files.setAttribute(probe, "unix:uid", id, LinkOption.NOFOLLOW_LINKS);
                Files.setAttribute(probe, "unix:gid", id, LinkOption.NOFOLLOW_LINKS);
            }
            return true;
        } catch (IOException refused) {
            return false;
        } finally {
            Files.delete(probe);
        }
    }

    /** The oracle and the classes it uses, where any user can read them. */
    private Path oracleClasses() throws IOException {
        Path target = dir.resolve("classes");
        for (Class<?> type : new Class<?>[] {ReadAccessOracle.class, ServiceUserAccess.class,
            ServiceUserAccess.KernelOnly.class, FileOwner.class, FolderScanner.ReadAccess.class}) {
            String file = type.getName().replace('.', '/') + ".class";
            Path copy = target.resolve(file);
            Files.createDirectories(copy.getParent());
            try (InputStream in = type.getClassLoader().getResourceAsStream(file)) {
                Files.copy(in, copy);
            }
        }
        try (Stream<Path> all = Files.walk(target)) {
            for (Path path : (Iterable<Path>) all::iterator) {
                Files.setPosixFilePermissions(path,
                        PosixFilePermissions.fromString(Files.isDirectory(path) ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }
        return target;
    }

    private static String run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), String.join(" ", command));
        assertEquals(0, process.exitValue(), String.join(" ", command) + ": " + out);
        return out;
    }
}
