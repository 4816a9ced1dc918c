package dev.zipstream.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.DefaultFileRegion;

import dev.zipstream.Fixtures;
import dev.zipstream.Plans;
import dev.zipstream.plan.ArchivePlan;

/**
 * Every file region of a zero-copy batch holds its file open until it is sent, so a batch takes no more regions
 * than it is given room for, whatever its byte budget, and the batches that follow carry on where it stopped.
 */
class RegionBudgetTest {

    private static final int FILES = 20;
    private static final int REGIONS = 3;

    @TempDir
    Path dir;

    @Test
    void batchesStopAtTheirRegionBudgetAndStillMakeTheWholeArchive() throws Exception {
        Path folder = dir.resolve("photos");
        for (int i = 0; i < FILES; i++) {
            Fixtures.write(folder.resolve("p" + i + ".jpg"), 40_000 + i, i); // above SMALL_SPAN: sent as regions
        }
        ArchivePlan plan = Plans.of(dir.toRealPath(), folder);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        WritableByteChannel sink = Channels.newChannel(out);
        int batches = 0;
        int regionsSeen = 0;
        try (RegionBatcher batcher = new RegionBatcher(
                new ArchiveCursor(plan, ByteRange.whole(plan.length()), ArchiveBytes.newCrcService()), false)) {
            while (true) {
                RegionBatcher.Batch batch = batcher.next(UnpooledByteBufAllocator.DEFAULT, plan.length(), 1 << 20,
                        REGIONS, true);
                batches++;
                int regions = 0;
                for (Object message : batch.messages()) {
                    if (message instanceof DefaultFileRegion region) {
                        regions++;
                        for (long sent = 0; sent < region.count();) {
                            sent += region.transferTo(sink, sent);
                        }
                    } else {
                        out.writeBytes(ByteBufUtil.getBytes((ByteBuf) message));
                    }
                }
                batch.release();
                assertTrue(regions <= REGIONS, "batch " + batches + " holds " + regions + " files open");
                regionsSeen += regions;
                if (batch.last()) {
                    out.writeBytes(batch.tail());
                    break;
                }
            }
            assertThrows(IllegalArgumentException.class,
                    () -> batcher.next(UnpooledByteBufAllocator.DEFAULT, plan.length(), 1 << 20, 0, true));
        }
        assertEquals(FILES, regionsSeen);
        assertEquals((FILES + REGIONS - 1) / REGIONS, batches, "the byte budget would have taken all in one batch");
        assertArrayEquals(ArchiveBytes.of(plan), out.toByteArray());
    }
}
