package dev.zipstream.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;

import dev.zipstream.Fixtures;
import dev.zipstream.Plans;
import dev.zipstream.crc.CrcKey;
import dev.zipstream.crc.CrcMemory;
import dev.zipstream.crc.CrcService;
import dev.zipstream.plan.ArchiveEntry;
import dev.zipstream.plan.ArchivePlan;
import dev.zipstream.storage.EntryChangedException;

/**
 * A zero-copy batch of many small files has a helper read a share of them on another core
 * ({@link SmallFileReads}): the bytes are those of the copying path whoever reads which file, a helper that never
 * gets a thread changes nothing, and a file changed since planning still fails the batch.
 */
class SmallFileReadsTest {

    private static final int FILES = 3_000;

    @TempDir
    Path dir;

    private Path folder;
    private ArchivePlan plan;
    private byte[] archive;
    private final ExecutorService helperThread = Executors.newSingleThreadExecutor();

    @BeforeEach
    void plan() throws Exception {
        folder = dir.resolve("thumbs");
        for (int i = 0; i < FILES; i++) {
            Fixtures.write(folder.resolve("d" + i % 7 + "/t" + i + ".jpg"), 1 + i % 300, i);
        }
        plan = Plans.of(dir.toRealPath(), folder);
        archive = ArchiveBytes.of(plan);
    }

    @AfterEach
    void stop() {
        helperThread.shutdownNow();
    }

    @Test
    void filesReadByTheBatchAndItsHelperMakeTheArchiveOfTheCopyingPath() throws Exception {
        AtomicInteger helps = new AtomicInteger();
        Executor counting = task -> {
            helps.incrementAndGet();
            helperThread.execute(task);
        };
        assertArrayEquals(archive, zeroCopyBytes(counting));
        assertTrue(helps.get() > 10, "batches of many small files asked for help " + helps.get() + " times");
    }

    @Test
    void aHelperThatNeverRunsLeavesEveryFileToTheBatch() throws Exception {
        assertArrayEquals(archive, zeroCopyBytes(task -> {
        }));
    }

    @Test
    void aFileChangedSincePlanningFailsTheBatchWhoeverReadsIt() throws Exception {
        Path changed = folder.resolve("d" + 1500 % 7 + "/t1500.jpg");
        Files.write(changed, new byte[(int) Files.size(changed)]); // same size, new content and stamp
        EntryChangedException e = assertThrows(EntryChangedException.class, () -> zeroCopyBytes(helperThread));
        assertTrue(e.getMessage().contains("t1500.jpg"), e.getMessage());
    }

    /**
     * A range that starts at a file's first byte of data has not sent its header, so a plan that has not learned
     * its CRC-32 yet reads it with none to check the bytes against: its stamp must tell the change instead. The
     * range stops before the central directory (whose record would compute the CRC-32 from the changed file) and
     * goes on past the file (so it is not the one still open at the range's end).
     */
    @Test
    void aFileChangedSincePlanningWhoseCrcIsNotKnownYetFailsTheBatchByItsStamp() throws Exception {
        ArchivePlan fresh = Plans.of(dir.toRealPath(), folder); // nothing learned: not the plan the archive made
        ArchiveEntry entry = fresh.entries().stream().filter(e -> e.name().endsWith("/t1799.jpg")).findFirst()
                .orElseThrow();
        ByteRange fromItsData = new ByteRange(entry.dataOffset(), fresh.centralDirectoryOffset());
        try (ArchiveCursor cursor = new ArchiveCursor(fresh, fromItsData, ArchiveBytes.newCrcService())) {
            Piece.FileSlice first = (Piece.FileSlice) cursor.next();
            assertTrue(first.entry() == entry && first.endsEntry() && first.length() == entry.size(), "" + first);
            assertFalse(first.crcKnown(), "read with no CRC-32 to check it by: " + first);
        }
        Fixtures.overwriteInPlace(folder.resolve("d" + 1799 % 7 + "/t1799.jpg")); // same size and inode
        EntryChangedException e = assertThrows(EntryChangedException.class,
                () -> zeroCopyBytes(fresh, fromItsData, helperThread));
        assertTrue(e.getMessage().contains("t1799.jpg"), e.getMessage());
    }

    /**
     * A CRC-32 remembered wrongly under a file's unchanged stamp (a same-size rewrite within one tick of the file
     * system's clock after it was read) fails the download that meets it, and is then read again and replaced,
     * so the next download of the folder succeeds instead of failing on it for as long as it is remembered.
     */
    @Test
    void aWrongRememberedCrcFailsOneDownloadAndIsReplaced() throws Exception {
        CrcMemory memory = new CrcMemory(10_000, 64 << 20);
        CrcService crcs = new CrcService(memory, null, Runnable::run);
        ArchivePlan first = Plans.of(dir.toRealPath(), folder);
        ArchiveBytes.of(first, ByteRange.whole(first.length()), crcs); // every CRC-32 remembered
        ArchiveEntry entry = first.entries().stream().filter(e -> e.name().endsWith("/t1799.jpg")).findFirst()
                .orElseThrow();
        CRC32 actual = new CRC32();
        actual.update(Files.readAllBytes(folder.resolve("d" + 1799 % 7 + "/t1799.jpg")));
        CrcKey key = new CrcKey(first.folder(), entry.name(), entry.source().indexStamp());
        assertEquals((int) actual.getValue(), memory.get(key));
        memory.put(key, (int) actual.getValue() ^ 1);

        ArchivePlan second = Plans.of(dir.toRealPath(), folder);
        EntryChangedException e = assertThrows(EntryChangedException.class,
                () -> zeroCopyBytes(second, ByteRange.whole(second.length()), helperThread, crcs));
        assertTrue(e.getMessage().contains("t1799.jpg") && e.getMessage().contains("CRC-32"), e.getMessage());
        assertEquals((int) actual.getValue(), memory.get(key), "read again and replaced");

        ArchivePlan third = Plans.of(dir.toRealPath(), folder);
        assertArrayEquals(archive, zeroCopyBytes(third, ByteRange.whole(third.length()), helperThread, crcs));
    }

    /** The whole archive in batches as the zero-copy writer makes them (files this small come in buffers). */
    private byte[] zeroCopyBytes(Executor helpers) throws Exception {
        return zeroCopyBytes(plan, ByteRange.whole(plan.length()), helpers);
    }

    /** The range of the planned archive in batches as the zero-copy writer makes them. */
    private static byte[] zeroCopyBytes(ArchivePlan plan, ByteRange range, Executor helpers) throws Exception {
        return zeroCopyBytes(plan, range, helpers, ArchiveBytes.newCrcService());
    }

    private static byte[] zeroCopyBytes(ArchivePlan plan, ByteRange range, Executor helpers, CrcService crcs)
            throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (RegionBatcher batcher = new RegionBatcher(new ArchiveCursor(plan, range, crcs), false, helpers)) {
            while (true) {
                RegionBatcher.Batch batch = batcher.next(UnpooledByteBufAllocator.DEFAULT, 8 << 20, 32 * 1024,
                        Integer.MAX_VALUE, true);
                for (Object message : batch.messages()) {
                    out.writeBytes(ByteBufUtil.getBytes((ByteBuf) message));
                }
                batch.release();
                if (batch.last()) {
                    out.writeBytes(batch.tail());
                    return out.toByteArray();
                }
            }
        }
    }
}
