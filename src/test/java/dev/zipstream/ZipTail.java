package dev.zipstream;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Test helper, independent of the service's writer: reads the end records and the central directory of a ZIP from
 * the last bytes of the archive alone, as a resuming client receives them, following APPNOTE 4.3.12 to 4.3.16.
 *
 * @param length the archive's length
 * @param entryCount entries, from the ZIP64 end record when there is one
 * @param centralDirectoryOffset where the central directory starts
 * @param centralDirectoryLength its length in bytes
 * @param zip64EndOffset where the ZIP64 end record starts, or -1 without ZIP64 end records
 * @param locatorOffset where the ZIP64 end record locator starts, or -1
 * @param endOffset where the classic end of central directory record starts
 * @param classicCount the 16-bit entry count of the classic end record
 * @param classicDirectoryOffset the 32-bit directory offset of the classic end record
 * @param entries the central directory, in order
 */
public record ZipTail(long length, long entryCount, long centralDirectoryOffset, long centralDirectoryLength,
        long zip64EndOffset, long locatorOffset, long endOffset, int classicCount, long classicDirectoryOffset,
        List<Entry> entries) {

    /** One central directory record, with the ZIP64 extra field's values applied. */
    public record Entry(String name, int flags, int method, long crc32, long compressedSize, long size,
            long localHeaderOffset, long recordOffset, int recordLength) {
    }

    public boolean zip64() {
        return zip64EndOffset >= 0;
    }

    /**
     * Parses {@code tail}, the archive's bytes from {@code tailStart} to its end ({@code tailStart + tail.length}
     * is the length). Fails unless the tail holds the whole central directory and every record is well formed.
     */
    public static ZipTail parse(byte[] tail, long tailStart) {
        long length = tailStart + tail.length;
        ByteBuffer in = ByteBuffer.wrap(tail).order(ByteOrder.LITTLE_ENDIAN);
        long endOffset = length - 22;
        int at = index(endOffset, tailStart);
        require(in.getInt(at) == 0x06054b50, "end of central directory signature at " + endOffset);
        require(in.getShort(at + 4) == 0 && in.getShort(at + 6) == 0, "single disk");
        int classicCount = Short.toUnsignedInt(in.getShort(at + 10));
        require(classicCount == Short.toUnsignedInt(in.getShort(at + 8)), "entries on disk = total entries");
        long classicSize = Integer.toUnsignedLong(in.getInt(at + 12));
        long classicOffset = Integer.toUnsignedLong(in.getInt(at + 16));
        require(in.getShort(at + 20) == 0, "no archive comment");

        long entryCount = classicCount;
        long directoryLength = classicSize;
        long directoryOffset = classicOffset;
        long zip64EndOffset = -1;
        long locatorOffset = -1;
        if (endOffset - 20 >= 0 && in.getInt(index(endOffset - 20, tailStart)) == 0x07064b50) {
            int locator = index(endOffset - 20, tailStart);
            locatorOffset = endOffset - 20;
            zip64EndOffset = in.getLong(locator + 8);
            require(in.getInt(locator + 4) == 0 && in.getInt(locator + 16) == 1, "locator: one disk");
            require(zip64EndOffset == locatorOffset - 56, "ZIP64 end record right before its locator");
            int z = index(zip64EndOffset, tailStart);
            require(in.getInt(z) == 0x06064b50, "ZIP64 end record signature at " + zip64EndOffset);
            require(in.getLong(z + 4) == 44, "ZIP64 end record size field");
            require(in.getInt(z + 16) == 0 && in.getInt(z + 20) == 0, "ZIP64 end record: one disk");
            entryCount = in.getLong(z + 32);
            require(entryCount == in.getLong(z + 24), "ZIP64 entries on disk = total");
            directoryLength = in.getLong(z + 40);
            directoryOffset = in.getLong(z + 48);
            require(classicCount == Math.min(entryCount, 0xFFFF), "classic count is the count or 0xFFFF");
            require(classicSize == Math.min(directoryLength, 0xFFFFFFFFL), "classic size or marker");
            require(classicOffset == Math.min(directoryOffset, 0xFFFFFFFFL), "classic offset or marker");
            require(directoryOffset + directoryLength == zip64EndOffset, "directory ends at the ZIP64 record");
        } else {
            require(directoryOffset + directoryLength == endOffset, "directory ends at the end record");
        }

        List<Entry> entries = new ArrayList<>();
        long offset = directoryOffset;
        for (long i = 0; i < entryCount; i++) {
            int r = index(offset, tailStart);
            require(in.getInt(r) == 0x02014b50, "central header signature at " + offset);
            int flags = Short.toUnsignedInt(in.getShort(r + 8));
            int method = Short.toUnsignedInt(in.getShort(r + 10));
            long crc = Integer.toUnsignedLong(in.getInt(r + 16));
            long compressed = Integer.toUnsignedLong(in.getInt(r + 20));
            long size = Integer.toUnsignedLong(in.getInt(r + 24));
            int nameLength = Short.toUnsignedInt(in.getShort(r + 28));
            int extraLength = Short.toUnsignedInt(in.getShort(r + 30));
            int commentLength = Short.toUnsignedInt(in.getShort(r + 32));
            long localOffset = Integer.toUnsignedLong(in.getInt(r + 42));
            String name = new String(tail, r + 46, nameLength, StandardCharsets.UTF_8);
            int extra = r + 46 + nameLength;
            int extraEnd = extra + extraLength;
            while (extra < extraEnd) {
                int tag = Short.toUnsignedInt(in.getShort(extra));
                int fieldLength = Short.toUnsignedInt(in.getShort(extra + 2));
                if (tag == 0x0001) {
                    int v = extra + 4;
                    if (size == 0xFFFFFFFFL) {
                        size = in.getLong(v);
                        v += 8;
                    }
                    if (compressed == 0xFFFFFFFFL) {
                        compressed = in.getLong(v);
                        v += 8;
                    }
                    if (localOffset == 0xFFFFFFFFL) {
                        localOffset = in.getLong(v);
                        v += 8;
                    }
                    require(v == extra + 4 + fieldLength, "ZIP64 extra field holds exactly the overflowed values");
                }
                extra += 4 + fieldLength;
            }
            require(extra == extraEnd, "extra fields fill their length");
            int recordLength = 46 + nameLength + extraLength + commentLength;
            entries.add(new Entry(name, flags, method, crc, compressed, size, localOffset, offset, recordLength));
            offset += recordLength;
        }
        require(offset == directoryOffset + directoryLength, "records fill the directory");
        return new ZipTail(length, entryCount, directoryOffset, directoryLength, zip64EndOffset, locatorOffset,
                endOffset, classicCount, classicOffset, List.copyOf(entries));
    }

    private static int index(long offset, long tailStart) {
        require(offset >= tailStart, "offset " + offset + " lies before the tail, which starts at " + tailStart);
        return Math.toIntExact(offset - tailStart);
    }

    private static void require(boolean condition, String what) {
        if (!condition) {
            throw new AssertionError("ZIP tail: " + what);
        }
    }
}
