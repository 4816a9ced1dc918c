package dev.zipstream.stream;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.netty.buffer.UnpooledByteBufAllocator;

import dev.zipstream.Fixtures;
import dev.zipstream.plan.ArchivePlan;
import dev.zipstream.Plans;

/**
 * A folder swapped for a symbolic link after its archive was planned (the link leading out of the root, to files
 * of the same names and sizes) must not lead a single read outside the root, on either path.
 */
class SwappedForLinkTest {

    @TempDir
    Path dir;

    @Test
    void swappedFolderFailsToOpenOnTheCopyingAndZeroCopyPaths() throws Exception {
        Path root = Files.createDirectories(dir.resolve("root"));
        Path outside = Files.createDirectories(dir.resolve("outside/sub"));
        Path folder = root.resolve("album");
        Fixtures.write(folder.resolve("sub/photo.jpg"), 50_000, 1);
        Fixtures.write(outside.resolve("photo.jpg"), 50_000, 2);
        ArchivePlan plan = Plans.of(root.toRealPath(), folder);

        Files.move(folder.resolve("sub"), dir.resolve("moved-away"));
        Files.createSymbolicLink(folder.resolve("sub"), outside);

        IOException copying = assertThrows(IOException.class, () -> ArchiveBytes.of(plan));
        assertTrue(copying.getMessage().contains("sub"), copying.getMessage());

        try (RegionBatcher batcher = new RegionBatcher(
                new ArchiveCursor(plan, ByteRange.whole(plan.length()), ArchiveBytes.newCrcService()), true)) {
            assertThrows(IOException.class,
                    () -> batcher.next(UnpooledByteBufAllocator.DEFAULT, plan.length(), 1 << 20, Integer.MAX_VALUE,
                            true).release());
        }
    }
}
