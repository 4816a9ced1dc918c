package dev.zipstream.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.zipstream.Fixtures;
import dev.zipstream.Plans;
import dev.zipstream.crc.CrcKey;
import dev.zipstream.crc.CrcMemory;
import dev.zipstream.crc.CrcService;
import dev.zipstream.plan.ArchiveEntry;
import dev.zipstream.plan.ArchivePlan;
import dev.zipstream.storage.EntryChangedException;

/**
 * The copying path (TLS, HTTP/2, {@code ZERO_COPY=false}) checks each file it sends whole by the CRC-32 of the
 * bytes that went out, as the zero-copy path does for small files: so a CRC-32 remembered wrongly cannot go out
 * in a header as if it were right, and it is read again and replaced after the one download it fails.
 */
class CopiedBytesCheckedByCrcTest {

    @TempDir
    Path dir;

    private Path folder;
    private Path large;

    @BeforeEach
    void folder() throws Exception {
        folder = dir.resolve("album");
        Fixtures.write(folder.resolve("small.jpg"), 300, 1);
        large = folder.resolve("large.jpg");
        Fixtures.write(large, 100_000, 2); // more than one 8 KiB chunk
        Fixtures.write(folder.resolve("z.jpg"), 5_000, 3);
    }

    @Test
    void aWrongRememberedCrcFailsOneCopiedDownloadAndIsReplaced() throws Exception {
        CrcMemory memory = new CrcMemory(1_000, 1 << 20);
        CrcService crcs = new CrcService(memory, null, Runnable::run);
        ArchivePlan first = Plans.of(dir.toRealPath(), folder);
        byte[] archive = ArchiveBytes.of(first, ByteRange.whole(first.length()), crcs); // every CRC-32 remembered
        ArchiveEntry entry = first.entries().stream().filter(e -> e.name().equals("large.jpg")).findFirst()
                .orElseThrow();
        CrcKey key = new CrcKey(first.folder(), entry.name(), entry.source().indexStamp());
        int actual = crcOf(Files.readAllBytes(large));
        assertEquals(actual, memory.get(key));
        memory.put(key, actual ^ 1);

        ArchivePlan second = Plans.of(dir.toRealPath(), folder);
        EntryChangedException e = assertThrows(EntryChangedException.class,
                () -> ArchiveBytes.of(second, ByteRange.whole(second.length()), crcs));
        assertTrue(e.getMessage().contains("large.jpg") && e.getMessage().contains("CRC-32"), e.getMessage());
        assertEquals(actual, memory.get(key), "read again and replaced");

        ArchivePlan third = Plans.of(dir.toRealPath(), folder);
        assertArrayEquals(archive, ArchiveBytes.of(third, ByteRange.whole(third.length()), crcs));
    }

    @Test
    void aFileRewrittenInPlaceAtTheSameSizeAfterItsOpenFailsByItsBytes() throws Exception {
        ArchivePlan plan = Plans.of(dir.toRealPath(), folder);
        ArchiveEntry entry = plan.entries().stream().filter(e -> e.name().equals("large.jpg")).findFirst()
                .orElseThrow();
        try (ChunkReader reader = new ChunkReader(
                new ArchiveCursor(plan, ByteRange.whole(plan.length()), ArchiveBytes.newCrcService()), 8192)) {
            long sent = 0;
            while (sent < entry.dataOffset() + 20_000) { // into large.jpg, opened and checked at its open
                sent += reader.next().length();
            }
            Fixtures.overwriteInPlace(large);
            EntryChangedException e = assertThrows(EntryChangedException.class, () -> {
                while (reader.next() != null) {
                    // to the end of the archive
                }
            });
            assertTrue(e.getMessage().contains("large.jpg"), e.getMessage());
        }
    }

    /**
     * A small file, read whole in one read and checked by its bytes, that was appended to since planning goes out as
     * planned, as on the zero-copy path: its first bytes are the planned version's, with their CRC-32. (A file read
     * in pieces is checked by its stamp at the open too, and fails there.)
     */
    @Test
    void aSmallFileAppendedToSincePlanningIsSentAsPlanned() throws Exception {
        Path small = folder.resolve("small.jpg");
        byte[] planned = Files.readAllBytes(small);
        ArchivePlan plan = Plans.of(dir.toRealPath(), folder);
        ArchiveBytes.of(plan); // the plan learns every CRC-32, as a plan kept for a few seconds does
        Files.write(small, new byte[] {1, 2, 3}, StandardOpenOption.APPEND);

        byte[] archive = ArchiveBytes.of(plan, ByteRange.whole(plan.length()), ArchiveBytes.newCrcService());
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(archive))) {
            for (ZipEntry zipEntry = zip.getNextEntry(); zipEntry != null; zipEntry = zip.getNextEntry()) {
                if (zipEntry.getName().equals("small.jpg")) {
                    assertArrayEquals(planned, zip.readAllBytes()); // ZipInputStream checks the CRC-32 too
                    return;
                }
            }
        }
        throw new AssertionError("small.jpg is not in the archive");
    }

    private static int crcOf(byte[] bytes) {
        CRC32 crc = new CRC32();
        crc.update(bytes);
        return (int) crc.getValue();
    }
}
