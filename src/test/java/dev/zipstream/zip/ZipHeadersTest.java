package dev.zipstream.zip;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

import org.junit.jupiter.api.Test;

/** Field-by-field checks of the records, at the offsets APPNOTE.TXT gives them. */
class ZipHeadersTest {

    private static final long MAGIC = 0xFFFFFFFFL;
    private static final long TIME = Instant.parse("2024-05-17T10:15:30Z").getEpochSecond();

    @Test
    void localHeaderCarriesCrcSizesUtf8FlagAndTimestamp() {
        ZipEntrySpec entry = ZipEntrySpec.file("Фото/a.jpg", 1234, TIME, 0644);
        ByteBuffer h = le(ZipHeaders.localHeader(entry, 0xCAFEBABE));
        int nameLength = "Фото/a.jpg".getBytes(StandardCharsets.UTF_8).length;
        assertEquals(0x04034b50, h.getInt(0));
        assertEquals(10, h.getShort(4), "version needed: stored");
        assertEquals(0x0800, h.getShort(6), "general purpose bit 11 (UTF-8), no data descriptor bit 3");
        assertEquals(0, h.getShort(8), "method stored");
        assertEquals(DosTime.of(TIME), h.getInt(10));
        assertEquals(0xCAFEBABE, h.getInt(14));
        assertEquals(1234, h.getInt(18));
        assertEquals(1234, h.getInt(22));
        assertEquals(nameLength, h.getShort(26));
        assertEquals(9, h.getShort(28), "extra: extended timestamp only");
        assertEquals(0x5455, h.getShort(30 + nameLength));
        assertEquals(5, h.getShort(32 + nameLength));
        assertEquals(1, h.get(34 + nameLength), "mtime present");
        assertEquals((int) TIME, h.getInt(35 + nameLength));
        assertEquals(ZipLayout.localHeaderLength(entry), h.capacity());
    }

    @Test
    void zip64SizesStartExactlyAtTheAllOnesMarker() {
        ZipEntrySpec below = ZipEntrySpec.file("a", MAGIC - 1, TIME, 0644);
        ZipEntrySpec at = ZipEntrySpec.file("a", MAGIC, TIME, 0644);
        assertFalse(ZipLayout.needsZip64Sizes(below));
        assertTrue(ZipLayout.needsZip64Sizes(at));

        ByteBuffer plain = le(ZipHeaders.localHeader(below, 7));
        assertEquals((int) (MAGIC - 1), plain.getInt(18));
        assertEquals(9, plain.getShort(28));

        ByteBuffer h = le(ZipHeaders.localHeader(at, 7));
        assertEquals(45, h.getShort(4));
        assertEquals(-1, h.getInt(18));
        assertEquals(-1, h.getInt(22));
        assertEquals(20 + 9, h.getShort(28));
        assertEquals(1, h.getShort(31), "ZIP64 extra tag");
        assertEquals(16, h.getShort(33));
        assertEquals(MAGIC, h.getLong(35));
        assertEquals(MAGIC, h.getLong(43));
    }

    @Test
    void centralHeaderCarriesOnlyTheOverflowingValuesInZip64() {
        ZipEntrySpec entry = ZipEntrySpec.file("b.bin", 10, TIME, 0600);
        ByteBuffer plain = le(ZipHeaders.centralHeader(entry, 99, MAGIC - 1));
        assertEquals(0x02014b50, plain.getInt(0));
        assertEquals((3 << 8) | 45, plain.getShort(4) & 0xFFFF, "made by Unix");
        assertEquals(10, plain.getShort(6));
        assertEquals(99, plain.getInt(16));
        assertEquals(9, plain.getShort(30));
        assertEquals((0100600 << 16), plain.getInt(38), "regular file, mode 0600");
        assertEquals((int) (MAGIC - 1), plain.getInt(42));

        ByteBuffer far = le(ZipHeaders.centralHeader(entry, 99, MAGIC));
        assertEquals(45, far.getShort(6));
        assertEquals(10, far.getInt(20), "sizes still fit");
        assertEquals(-1, far.getInt(42));
        assertEquals(12 + 9, far.getShort(30));
        assertEquals(1, far.getShort(46 + 5));
        assertEquals(8, far.getShort(48 + 5));
        assertEquals(MAGIC, far.getLong(50 + 5));
        assertEquals(ZipLayout.centralHeaderLength(entry, MAGIC), far.capacity());

        ZipEntrySpec huge = ZipEntrySpec.file("h", 5L << 30, TIME, 0644);
        ByteBuffer both = le(ZipHeaders.centralHeader(huge, 1, 6L << 30));
        assertEquals(4 + 24 + 9, both.getShort(30));
        assertEquals(24, both.getShort(46 + 1 + 2));
        assertEquals(5L << 30, both.getLong(46 + 1 + 4));
        assertEquals(5L << 30, both.getLong(46 + 1 + 12));
        assertEquals(6L << 30, both.getLong(46 + 1 + 20));
    }

    @Test
    void directoryEntryHasTrailingSlashAndDirectoryAttributes() {
        ZipEntrySpec dir = ZipEntrySpec.directory("sub", TIME, 0755);
        assertArrayEquals("sub/".getBytes(StandardCharsets.UTF_8), dir.name());
        ByteBuffer h = le(ZipHeaders.centralHeader(dir, 0, 0));
        assertEquals(20, h.getShort(6));
        assertEquals((040755 << 16) | 0x10, h.getInt(38));
    }

    @Test
    void endRecordsSwitchToZip64AtEachThreshold() {
        assertEquals(22, ZipHeaders.endRecords(65_534, MAGIC - 1, MAGIC - 1 - 100).length);
        assertEquals(22 + 56 + 20, ZipHeaders.endRecords(65_535, 0, 0).length);
        assertEquals(22 + 56 + 20, ZipHeaders.endRecords(1, MAGIC, 10).length);
        assertEquals(22 + 56 + 20, ZipHeaders.endRecords(1, 10, MAGIC).length);

        ByteBuffer plain = le(ZipHeaders.endRecords(3, 1000, 200));
        assertEquals(0x06054b50, plain.getInt(0));
        assertEquals(3, plain.getShort(8));
        assertEquals(3, plain.getShort(10));
        assertEquals(200, plain.getInt(12));
        assertEquals(1000, plain.getInt(16));

        ByteBuffer z = le(ZipHeaders.endRecords(70_000, 5L << 30, 300));
        assertEquals(0x06064b50, z.getInt(0));
        assertEquals(44, z.getLong(4));
        assertEquals(70_000, z.getLong(24));
        assertEquals(70_000, z.getLong(32));
        assertEquals(300, z.getLong(40));
        assertEquals(5L << 30, z.getLong(48));
        assertEquals(0x07064b50, z.getInt(56));
        assertEquals((5L << 30) + 300, z.getLong(64), "locator points at the ZIP64 end record");
        assertEquals(1, z.getInt(72));
        assertEquals(0x06054b50, z.getInt(76));
        assertEquals(-1, z.getShort(76 + 8));
        assertEquals(300, z.getInt(76 + 12), "a size that fits stays");
        assertEquals(-1, z.getInt(76 + 16));
    }

    @Test
    void dosTimeIsUtcAndClampedToItsRange() {
        int value = DosTime.of(TIME);
        assertEquals(2024 - 1980, value >>> 25);
        assertEquals(5, (value >>> 21) & 0xF);
        assertEquals(17, (value >>> 16) & 0x1F);
        assertEquals(10, (value >>> 11) & 0x1F);
        assertEquals(15, (value >>> 5) & 0x3F);
        assertEquals(15, value & 0x1F, "two-second resolution");
        assertEquals(DosTime.of(0), DosTime.of(Instant.parse("1980-01-01T00:00:00Z").getEpochSecond()));
        assertEquals((1 << 5 | 1) << 16, DosTime.of(0));
    }

    private static ByteBuffer le(byte[] bytes) {
        return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }
}
