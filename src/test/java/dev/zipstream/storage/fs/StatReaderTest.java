package dev.zipstream.storage.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.lifecycle.AddLifecycleHook;

import dev.zipstream.PropertySearch;

/**
 * The two ways of reading a file's {@code stat} give the same facts for every kind of file and every time a file
 * system holds; the faster one is the one these tests (and the README's command) run with.
 */
@AddLifecycleHook(PropertySearch.class)
class StatReaderTest {

    private static final StatReader MAP = new StatReader.AttributeMap();
    private static final StatReader FIELDS = new StatReader.JdkFields();
    private static MethodHandle toFileTime;

    @TempDir
    Path dir;

    /** Every test here needs the package opened, as the pom's argLine and the README's command open it. */
    @BeforeAll
    static void thePackageIsOpened() {
        assertTrue(StatReader.JdkFields.available(), "surefire's argLine lost --add-opens java.base/sun.nio.fs");
    }

    @Test
    void theJdkFieldsAreTheWayTheServiceReads() {
        assertInstanceOf(StatReader.JdkFields.class, StatReader.BEST);
    }

    @Test
    void bothReadersGiveTheSameFactsForEveryKindOfFile() throws Exception {
        Path file = Files.writeString(dir.resolve("photo.jpg"), "twelve bytes");
        Path empty = Files.createFile(dir.resolve("empty"));
        Files.setPosixFilePermissions(empty, PosixFilePermissions.fromString("r--r-----"));
        Path folder = Files.createDirectory(dir.resolve("album"));
        Path link = Files.createSymbolicLink(dir.resolve("link"), file);
        Path hardLink = Files.createLink(dir.resolve("hard"), file);
        Path pipe = dir.resolve("pipe");
        assertEquals(0, new ProcessBuilder("mkfifo", pipe.toString()).start().waitFor());

        for (Path path : new Path[] {file, empty, folder, link, hardLink, pipe}) {
            assertSameFacts(path, LinkOption.NOFOLLOW_LINKS);
        }
        assertSameFacts(link); // followed: the file's facts

        FileFacts facts = FIELDS.read(file, LinkOption.NOFOLLOW_LINKS);
        assertEquals(FileFacts.Type.REGULAR_FILE, facts.type());
        assertEquals(12, facts.stamp().size());
        assertEquals(0440, FIELDS.read(empty, LinkOption.NOFOLLOW_LINKS).permissions());
        assertEquals(FileFacts.Type.DIRECTORY, FIELDS.read(folder, LinkOption.NOFOLLOW_LINKS).type());
        assertEquals(FileFacts.Type.SYMBOLIC_LINK, FIELDS.read(link, LinkOption.NOFOLLOW_LINKS).type());
        assertEquals(FileFacts.Type.REGULAR_FILE, FIELDS.read(link).type());
        assertEquals(FileFacts.Type.OTHER, FIELDS.read(pipe, LinkOption.NOFOLLOW_LINKS).type());
        assertEquals(facts.stamp().fileKey(), FIELDS.read(hardLink, LinkOption.NOFOLLOW_LINKS).stamp().fileKey());
        assertNotEquals(0, facts.stamp().inode());
    }

    @Test
    void bothReadersGiveTheSameTimesBefore1970AndBeyondWhatNanosecondsHold() throws Exception {
        Path file = Files.writeString(dir.resolve("old"), "x");
        // GNU touch, because JDK 17's setLastModifiedTime stores a time before 1970 as 0.
        for (String time : new String[] {"1960-02-29 12:00:00.123456789 UTC", "2026-12-04 03:00:00.000000001 UTC",
                "2262-04-11 23:47:16.854775807 UTC", "2400-01-01 00:00:00 UTC", "2400-01-01 00:00:00.5 UTC"}) {
            assertEquals(0, new ProcessBuilder("touch", "-m", "-d", time, file.toString()).start().waitFor());
            assertSameFacts(file, LinkOption.NOFOLLOW_LINKS);
        }
        FileStamp beyond = FIELDS.read(file, LinkOption.NOFOLLOW_LINKS).stamp();
        // Only where the file system holds times past 2038 (ext4 with 256-byte inodes, XFS with bigtime, tmpfs).
        if (Files.getLastModifiedTime(file).toInstant().isAfter(Instant.parse("2300-01-01T00:00:00Z"))) {
            assertEquals(Long.MAX_VALUE, beyond.modifiedNanos(), "2400 is beyond 2^63 ns: saturated, as FileTime is");
        }
        assertEquals(0, new ProcessBuilder("touch", "-m", "-d", "1960-02-29 12:00:00.5 UTC", file.toString()).start()
                .waitFor());
        assertEquals(-310_478_399_500_000_000L, FIELDS.read(file, LinkOption.NOFOLLOW_LINKS).stamp().modifiedNanos());
    }

    @Test
    void bothReadersReportAMissingFileAlike() {
        Path missing = dir.resolve("missing");
        assertThrows(NoSuchFileException.class, () -> MAP.read(missing, LinkOption.NOFOLLOW_LINKS));
        assertThrows(NoSuchFileException.class, () -> FIELDS.read(missing, LinkOption.NOFOLLOW_LINKS));
    }

    /**
     * Seconds and nanoseconds into one count exactly as the attribute map's times come out: the JDK's own
     * conversion ({@code UnixFileAttributes.toFileTime}, reachable here as the tests open the package), then
     * {@code FileTime.to(NANOSECONDS)}; over every second a 64-bit file system can hold.
     */
    @Property(tries = 2000)
    void nanosecondsAgreeWithTheJdksConversion(@ForAll long seconds,
            @ForAll @LongRange(min = 0, max = 999_999_999) long nanos) throws Throwable {
        assertEquals(jdkNanos(seconds, nanos), StatReader.JdkFields.nanos(seconds, nanos));
    }

    @Test
    void nanosecondsAgreeWithTheJdksConversionAtTheEdgesOfWhatALongHolds() throws Throwable {
        long[][] edges = {{9_223_372_036L, 854_775_807}, {9_223_372_036L, 854_775_808}, {9_223_372_036L, 999_999_999},
            {-9_223_372_037L, 145_224_192}, {-9_223_372_037L, 500_000_000}, {10_000_000_000_000L, 1},
            {18_446_744_073_709L, 1}, {Long.MAX_VALUE, 0}, {Long.MIN_VALUE, 0}, {Long.MIN_VALUE, 1}, {0, 0}, {-1, 1}};
        for (long[] edge : edges) {
            assertEquals(jdkNanos(edge[0], edge[1]), StatReader.JdkFields.nanos(edge[0], edge[1]),
                    edge[0] + " s " + edge[1] + " ns");
        }
    }

    private static long jdkNanos(long seconds, long nanos) throws Throwable {
        return ((FileTime) toFileTime().invokeExact(seconds, nanos)).to(TimeUnit.NANOSECONDS);
    }

    private static synchronized MethodHandle toFileTime() throws ReflectiveOperationException {
        if (toFileTime == null) {
            thePackageIsOpened(); // the property runs in jqwik's engine, without Jupiter's @BeforeAll
            Class<?> attributes = Class.forName("sun.nio.fs.UnixFileAttributes");
            toFileTime = MethodHandles.privateLookupIn(attributes, MethodHandles.lookup()).findStatic(attributes,
                    "toFileTime", MethodType.methodType(FileTime.class, long.class, long.class));
        }
        return toFileTime;
    }

    private static void assertSameFacts(Path path, LinkOption... options) throws IOException {
        assertEquals(MAP.read(path, options), FIELDS.read(path, options), path.toString());
    }
}
