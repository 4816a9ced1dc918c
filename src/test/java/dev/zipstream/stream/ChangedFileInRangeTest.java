package dev.zipstream.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.zipstream.Fixtures;
import dev.zipstream.storage.EntryChangedException;
import dev.zipstream.plan.ArchivePlan;
import dev.zipstream.Plans;

/**
 * A range that ends inside a file never reaches that file's end-of-data check: the chunk reader must check the
 * file it still has open before the range's last chunk, or a 206 completes with bytes of two versions.
 */
class ChangedFileInRangeTest {

    @TempDir
    Path dir;

    @Test
    void fileRewrittenInPlaceWhileARangeEndingInsideItIsReadFailsTheLastChunk() throws Exception {
        Path folder = dir.resolve("f");
        Fixtures.write(folder.resolve("a.bin"), 1 << 20, 1);
        ArchivePlan plan = Plans.of(dir.toRealPath(), folder);
        long end = plan.entries().get(0).dataOffset() + 600_000; // inside a.bin
        try (ChunkReader reader = new ChunkReader(
                new ArchiveCursor(plan, new ByteRange(0, end), ArchiveBytes.newCrcService()), 65_536)) {
            assertEquals(65_536, reader.next().length());
            Fixtures.overwriteInPlace(folder.resolve("a.bin"));
            EntryChangedException changed = assertThrows(EntryChangedException.class, () -> {
                while (reader.next() != null) {
                    // read to the end of the range
                }
            });
            assertTrue(changed.getMessage().contains("a.bin changed"), changed.getMessage());
        }
    }

    @Test
    void unchangedFileLetsARangeEndingInsideItComplete() throws Exception {
        Path folder = dir.resolve("g");
        Fixtures.write(folder.resolve("a.bin"), 1 << 20, 2);
        ArchivePlan plan = Plans.of(dir.toRealPath(), folder);
        long start = plan.entries().get(0).dataOffset() + 10;
        ByteRange range = new ByteRange(start, start + 500_000);
        byte[] slice = ArchiveBytes.of(plan, range, ArchiveBytes.newCrcService());
        byte[] file = Files.readAllBytes(folder.resolve("a.bin"));
        assertEquals(ByteBuffer.wrap(file, 10, 500_000), ByteBuffer.wrap(slice));
    }
}
