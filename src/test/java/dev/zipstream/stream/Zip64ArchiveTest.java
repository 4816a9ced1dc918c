package dev.zipstream.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.zipstream.Fixtures;
import dev.zipstream.crc.CrcService;
import dev.zipstream.plan.ArchivePlan;
import dev.zipstream.storage.fs.FileStamp;
import dev.zipstream.storage.fs.FileSystemStorage;
import dev.zipstream.storage.fs.LocalFile;
import dev.zipstream.Plans;
import dev.zipstream.zip.ZipEntrySpec;

/**
 * ZIP64 exactly when needed: the layout arithmetic at each threshold with large sizes that are never written,
 * and one real sparse file past 4 GiB read back by a streaming and a random-access reader.
 */
class Zip64ArchiveTest {

    private static final long MAGIC = 0xFFFFFFFFL;

    @TempDir
    Path dir;

    @Test
    void plainZipUpTo65534EntriesAndZip64From65535() {
        assertFalse(endIsZip64(plan(65_534, 0)));
        assertTrue(endIsZip64(plan(65_535, 0)));
    }

    @Test
    void zip64EndRecordsExactlyWhenTheCentralDirectoryStartsAtOrPast4GiB() {
        // One file, one header: the directory starts at header + size. Choose sizes that put it either side.
        int header = 30 + 1 + 9;
        ArchivePlan below = planOfSizes(MAGIC - 1 - header);
        ArchivePlan at = planOfSizes(MAGIC - header);
        assertEquals(MAGIC - 1, below.centralDirectoryOffset());
        assertFalse(endIsZip64(below));
        assertEquals(MAGIC, at.centralDirectoryOffset());
        assertTrue(endIsZip64(at));
        assertEquals(at.centralDirectoryOffset() + at.centralDirectoryLength() + 56 + 20 + 22, at.length());
    }

    @Test
    void entriesPast4GiBGetZip64OffsetsInTheCentralDirectory() {
        ArchivePlan plan = planOfSizes(3L << 30, 3L << 30, 10);
        long plainRecord = 46 + 1 + 9;
        assertEquals(plainRecord * 2 + (plainRecord + 12), plan.centralDirectoryLength(),
                "only the third entry, whose header starts past 4 GiB, carries a ZIP64 offset");
    }

    @Test
    void realSparseFilePast4GiBIsReadBackByStreamingAndRandomAccessReaders() throws Exception {
        Path folder = dir.resolve("huge");
        Files.createDirectories(folder);
        long size = (4L << 30) + 4097;
        try (RandomAccessFile file = new RandomAccessFile(folder.resolve("a_video.bin").toFile(), "rw")) {
            file.setLength(size);
            file.seek(size - 5);
            file.write(new byte[] {1, 2, 3, 4, 5});
        }
        Fixtures.write(folder.resolve("b_after.jpg"), 1000, 7);
        ArchivePlan plan = Plans.of(dir.toRealPath(), folder);
        CrcService crcs = ArchiveBytes.newCrcService();

        try (ZipFile zip = ZipFile.builder().setSeekableByteChannel(new ArchiveChannel(plan, crcs)).get()) {
            List<ZipArchiveEntry> entries = Collections.list(zip.getEntriesInPhysicalOrder());
            assertEquals(2, entries.size());
            assertEquals(size, entries.get(0).getSize());
            assertTrue(entries.get(1).getLocalHeaderOffset() > MAGIC, "second header lies past 4 GiB");
            assertArrayEquals(Files.readAllBytes(folder.resolve("b_after.jpg")),
                    zip.getInputStream(entries.get(1)).readAllBytes());
        }

        try (ZipInputStream in = new ZipInputStream(new CursorInputStream(plan, crcs))) {
            ZipEntry video = in.getNextEntry();
            assertEquals("a_video.bin", video.getName());
            CRC32 crc = new CRC32();
            byte[] buffer = new byte[1 << 20];
            long total = 0;
            for (int n; (n = in.read(buffer)) > 0; total += n) {
                crc.update(buffer, 0, n);
            }
            assertEquals(size, total);
            assertEquals(video.getCrc(), crc.getValue());
            assertEquals("b_after.jpg", in.getNextEntry().getName());
        }
    }

    /** The storage of plans that are laid out but never read. */
    private static final FileSystemStorage NOWHERE = new FileSystemStorage(Path.of("/none"), (path, owner) -> false);

    /** A plan of {@code count} empty files with synthetic stamps: never read, only laid out. */
    private static ArchivePlan plan(int count, long size) {
        List<ArchivePlan.Source> sources = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            sources.add(source("f" + i, size));
        }
        return ArchivePlan.layOut(NOWHERE, "none", sources, null);
    }

    private static ArchivePlan planOfSizes(long... sizes) {
        List<ArchivePlan.Source> sources = new ArrayList<>();
        char name = 'a';
        for (long size : sizes) {
            sources.add(source(String.valueOf(name++), size));
        }
        return ArchivePlan.layOut(NOWHERE, "none", sources, null);
    }

    private static ArchivePlan.Source source(String name, long size) {
        return new ArchivePlan.Source(ZipEntrySpec.file(name, size, 1_700_000_000L, 0644),
                new LocalFile(Path.of("/none", name), new FileStamp(size, 0, 0, 0, null)));
    }

    /** The end records of a plan, made by the same cursor as every download; CRCs are not needed for them. */
    private static boolean endIsZip64(ArchivePlan plan) {
        try {
            byte[] tail = ArchiveBytes.of(plan, new ByteRange(plan.endRecordsOffset(), plan.length()), null);
            return ByteBuffer.wrap(tail).order(ByteOrder.LITTLE_ENDIAN).getInt(0) == 0x06064b50;
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** The whole archive as an InputStream, chunk by chunk, never held in memory. */
    private static final class CursorInputStream extends InputStream {
        private final ChunkReader reader;
        private byte[] chunk = new byte[0];
        private int offset;

        CursorInputStream(ArchivePlan plan, CrcService crcs) {
            reader = new ChunkReader(new ArchiveCursor(plan, ByteRange.whole(plan.length()), crcs), 1 << 20);
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (offset == chunk.length) {
                var next = reader.next();
                if (next == null) {
                    reader.close();
                    return -1;
                }
                chunk = next.getBytes();
                offset = 0;
            }
            int n = Math.min(len, chunk.length - offset);
            System.arraycopy(chunk, offset, b, off, n);
            offset += n;
            return n;
        }
    }
}
