package dev.zipstream.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;

import dev.zipstream.Fixtures;
import dev.zipstream.Plans;
import dev.zipstream.crc.CrcService;
import dev.zipstream.plan.ArchivePlan;

/**
 * Zero-copy batches are made on a few threads, one per core ({@code ZERO_COPY_THREADS}). A CRC-32 that must be
 * read from a file would hold one of them for as long as the file takes to read, so a batch made there stops
 * before it and says so, and the writer makes the next batch on the worker pool instead.
 */
class BatchesBeforeColdCrcTest {

    private static final long ALL = Long.MAX_VALUE;
    private static final int BUFFERS = 1 << 20;
    /** No cap on file regions here: what these tests look at is where a batch stops for a CRC-32. */
    private static final int REGIONS = Integer.MAX_VALUE;

    @TempDir
    Path dir;

    private Path folder;
    private ArchivePlan plan;
    private byte[] archive;

    @BeforeEach
    void plan() throws Exception {
        folder = dir.resolve("album");
        for (int i = 0; i < 3; i++) {
            Fixtures.write(folder.resolve("photo-" + i + ".jpg"), 5_000, i);
        }
        plan = Plans.of(dir.toRealPath(), folder);
        // From a plan of its own: a plan keeps the CRC-32s its downloads learn.
        archive = ArchiveBytes.of(Plans.of(dir.toRealPath(), folder));
    }

    @Test
    void aBatchThatMustNotReadEndsBeforeTheNextUnknownCrcAndSaysSo() throws Exception {
        try (RegionBatcher batcher = batcher(ByteRange.whole(plan.length()), ArchiveBytes.newCrcService())) {
            assertTrue(batcher.nextMayRead(), "nothing is remembered: the first header needs a file read");

            // Its first piece is computed anyway (a batch is never empty), then it stops at the second file.
            RegionBatcher.Batch first = batcher.next(UnpooledByteBufAllocator.DEFAULT, ALL, BUFFERS, REGIONS, false);
            byte[] firstBytes = bytesOf(first);
            assertFalse(first.last());
            assertTrue(first.nextMayRead());
            assertEquals(plan.entries().get(1).localHeaderOffset(), firstBytes.length);

            RegionBatcher.Batch rest = batcher.next(UnpooledByteBufAllocator.DEFAULT, ALL, BUFFERS, REGIONS, true);
            assertTrue(rest.last(), "where reads are allowed, the batch runs to the end of its budget");
            assertFalse(rest.nextMayRead());
            assertArrayEquals(archive, concat(firstBytes, bytesOf(rest), rest.tail()));
        }
    }

    @Test
    void rememberedCrcsNeverEndABatchEarly() throws Exception {
        CrcService crcs = rememberingEveryCrc();
        try (RegionBatcher batcher = batcher(ByteRange.whole(plan.length()), crcs)) {
            assertFalse(batcher.nextMayRead());
            RegionBatcher.Batch batch = batcher.next(UnpooledByteBufAllocator.DEFAULT, ALL, BUFFERS, REGIONS, false);
            assertTrue(batch.last());
            assertArrayEquals(archive, concat(bytesOf(batch), batch.tail()));
        }
    }

    @Test
    void aRangeInTheCentralDirectoryNeedsTheCrcsOfItsRecords() throws Exception {
        ByteRange directory = new ByteRange(plan.centralDirectoryOffset() + 1, plan.length());
        try (RegionBatcher batcher = batcher(directory, ArchiveBytes.newCrcService())) {
            assertTrue(batcher.nextMayRead());
        }
        CrcService crcs = rememberingEveryCrc();
        try (RegionBatcher batcher = batcher(directory, crcs)) {
            assertFalse(batcher.nextMayRead());
            RegionBatcher.Batch batch = batcher.next(UnpooledByteBufAllocator.DEFAULT, ALL, BUFFERS, REGIONS, false);
            byte[] expected = java.util.Arrays.copyOfRange(archive, (int) directory.start(), archive.length);
            assertArrayEquals(expected, concat(bytesOf(batch), batch.tail()));
        }
    }

    @Test
    void aReusedPlanKeepsTheCrcsItsDownloadsLearned() throws Exception {
        ArchiveBytes.of(plan, ByteRange.whole(plan.length()), ArchiveBytes.newCrcService());
        try (RegionBatcher batcher = batcher(ByteRange.whole(plan.length()), ArchiveBytes.newCrcService())) {
            assertFalse(batcher.nextMayRead(), "memory is empty, but the plan learned every CRC-32");
            RegionBatcher.Batch batch = batcher.next(UnpooledByteBufAllocator.DEFAULT, ALL, BUFFERS, REGIONS, false);
            assertTrue(batch.last());
            assertArrayEquals(archive, concat(bytesOf(batch), batch.tail()));
        }
    }

    /** Memory that holds every file's CRC-32, learned by a first download through a plan of its own. */
    private CrcService rememberingEveryCrc() throws Exception {
        CrcService crcs = ArchiveBytes.newCrcService();
        ArchivePlan other = Plans.of(dir.toRealPath(), folder);
        ArchiveBytes.of(other, ByteRange.whole(other.length()), crcs);
        return crcs;
    }

    private RegionBatcher batcher(ByteRange range, CrcService crcs) {
        return new RegionBatcher(new ArchiveCursor(plan, range, crcs), false);
    }

    /** The batch's bytes: files this small always travel in buffers. */
    private static byte[] bytesOf(RegionBatcher.Batch batch) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object message : batch.messages()) {
            ByteBuf buffer = (ByteBuf) message;
            out.writeBytes(ByteBufUtil.getBytes(buffer));
        }
        batch.release();
        return out.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
