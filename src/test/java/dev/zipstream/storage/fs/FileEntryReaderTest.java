package dev.zipstream.storage.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.zip.CRC32;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.zipstream.Fixtures;
import dev.zipstream.storage.EntryChangedException;

/**
 * What the zero-copy path relies on when it opens a planned file for {@code sendfile}: the open refuses any file
 * that is no longer the planned one (cut, rewritten in place with the same size, replaced by a rename, gone), so
 * none of its bytes leave; and the check made after sending still catches a change made once the file is open.
 * A small file read whole is checked by its bytes instead: they must have the CRC-32 its header was sent with.
 */
class FileEntryReaderTest {

    @TempDir
    Path root;

    @Test
    void anUnchangedFileOpensAndPassesTheCheckAfterSending() throws IOException {
        LocalFile planned = plan("a.jpg", "0123456789");
        try (FileEntryReader reader = readerOf(root); FileChannel channel = reader.open(planned)) {
            assertEquals(10, channel.size());
            reader.requireUnchanged(planned);
        }
    }

    @Test
    void aFileCutSincePlanningFailsAtTheOpen() throws IOException {
        LocalFile planned = plan("a.jpg", "0123456789");
        try (FileChannel file = FileChannel.open(planned.path(), StandardOpenOption.WRITE)) {
            file.truncate(4);
        }
        assertTheOpenFails(planned, "size 10 -> 4");
    }

    @Test
    void aFileRewrittenInPlaceWithTheSameSizeFailsAtTheOpen() throws Exception {
        LocalFile planned = plan("a.jpg", "0123456789");
        Thread.sleep(20); // past the timestamp granularity of the usual Linux file systems
        Fixtures.overwriteInPlace(planned.path());
        assertTheOpenFails(planned, "changed");
    }

    @Test
    void aFileReplacedByARenameWithTheSameSizeFailsAtTheOpen() throws IOException {
        LocalFile planned = plan("a.jpg", "0123456789");
        Path upload = Files.writeString(root.resolve(".upload.tmp"), "abcdefghij");
        Files.move(upload, planned.path(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        assertTheOpenFails(planned, "changed");
    }

    @Test
    void aFileGoneSincePlanningIsReportedAsDisappeared() throws IOException {
        LocalFile planned = plan("a.jpg", "0123456789");
        Files.delete(planned.path());
        assertTheOpenFails(planned, "disappeared");
    }

    @Test
    void aFileRewrittenOnceOpenPassesTheOpenAndFailsTheCheckAfterSending() throws Exception {
        LocalFile planned = plan("a.jpg", "0123456789");
        try (FileEntryReader reader = readerOf(root); FileChannel channel = reader.open(planned)) {
            Thread.sleep(20);
            Fixtures.overwriteInPlace(planned.path());
            assertThrows(EntryChangedException.class, () -> reader.requireUnchanged(planned));
        }
    }

    @Test
    void aFileReadWholeWhoseBytesNoLongerHaveTheDeclaredCrcFails() throws Exception {
        LocalFile planned = plan("a.jpg", "0123456789");
        int declared = crc32("0123456789".getBytes(StandardCharsets.US_ASCII));
        Fixtures.overwriteInPlace(planned.path()); // same size; no pause: the bytes tell, whatever the clock did
        try (FileEntryReader reader = readerOf(root)) {
            ByteBuffer bytes = ByteBuffer.allocate(10);
            reader.read(planned, 0, bytes);
            EntryChangedException e = assertThrows(EntryChangedException.class,
                    () -> reader.finishEntryRead(planned, crc32(bytes.array()), declared));
            assertTrue(e.getMessage().contains("a.jpg") && e.getMessage().contains("CRC-32"), e.getMessage());
        }
    }

    @Test
    void aFileReadWholeWithTheDeclaredCrcPassesWhateverItsTimesSayNow() throws Exception {
        LocalFile planned = plan("a.jpg", "0123456789");
        int declared = crc32("0123456789".getBytes(StandardCharsets.US_ASCII));
        try (FileEntryReader reader = readerOf(root)) {
            ByteBuffer bytes = ByteBuffer.allocate(10);
            reader.read(planned, 0, bytes);
            // Touched once read: the bytes that go out are still the planned version's, which is what counts.
            Files.setLastModifiedTime(planned.path(), FileTime.fromMillis(0));
            reader.finishEntryRead(planned, crc32(bytes.array()), declared);
            assertThrows(EntryChangedException.class, () -> reader.requireUnchanged(planned),
                    "the stamp check would have failed it");
        }
    }

    /**
     * A file swapped for a named pipe after planning (an uploader's {@code rsync -a} makes pipes) fails at once,
     * whichever way it is read: opening a pipe nobody writes to would block the thread for ever. A file swapped
     * for a folder fails as clearly.
     */
    @Test
    void aFileSwappedForAPipeOrAFolderFailsInsteadOfBlocking() throws Exception {
        LocalFile planned = plan("a.jpg", "0123456789");
        Files.delete(planned.path());
        Process mkfifo = new ProcessBuilder("mkfifo", planned.path().toString()).inheritIO().start();
        assertEquals(0, mkfifo.waitFor());
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            assertTheOpenFails(planned, "no longer a regular file (now a pipe, socket or device)");
            try (FileEntryReader reader = readerOf(root)) {
                EntryChangedException whole = assertThrows(EntryChangedException.class,
                        () -> reader.read(planned, 0, ByteBuffer.allocate(10)));
                assertTrue(whole.getMessage().contains("a.jpg"), whole.getMessage());
                assertThrows(EntryChangedException.class, () -> reader.crc32(planned));
            }
        });
        Files.delete(planned.path());
        Files.createDirectory(planned.path());
        assertTheOpenFails(planned, "no longer a regular file (now a folder)");
    }

    private static int crc32(byte[] bytes) {
        CRC32 crc = new CRC32();
        crc.update(bytes);
        return (int) crc.getValue();
    }

    private void assertTheOpenFails(LocalFile planned, String why) throws IOException {
        try (FileEntryReader reader = readerOf(root)) {
            EntryChangedException e = assertThrows(EntryChangedException.class, () -> reader.open(planned));
            assertTrue(e.getMessage().contains(why), e.getMessage());
        }
    }

    private LocalFile plan(String name, String content) throws IOException {
        Path file = Files.writeString(root.resolve(name), content).toRealPath();
        return new LocalFile(file, FileStamp.read(file));
    }

    private static FileEntryReader readerOf(Path root) throws IOException {
        return new FileEntryReader(new RootedFiles(root.toRealPath()));
    }
}
