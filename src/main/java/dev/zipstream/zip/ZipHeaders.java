package dev.zipstream.zip;

import static dev.zipstream.zip.ZipConstants.*;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Encodes the records of a stored (uncompressed) ZIP whose every local header already carries the entry's
 * CRC-32 and sizes: no data descriptors, so streaming readers ({@code ZipInputStream}, {@code bsdtar} on a pipe)
 * can unpack the archive while it downloads.
 *
 * <p>Every field is a pure function of its arguments: the same folder always gives the same bytes. Lengths are
 * those of {@link ZipLayout}.
 */
public final class ZipHeaders {

    private ZipHeaders() {
    }

    public static byte[] localHeader(ZipEntrySpec entry, int crc32) {
        ByteBuffer out = allocate(ZipLayout.localHeaderLength(entry));
        boolean zip64 = ZipLayout.needsZip64Sizes(entry);
        out.putInt(LOCAL_FILE_HEADER_SIGNATURE);
        out.putShort((short) versionNeeded(entry, zip64));
        out.putShort((short) FLAG_UTF8_NAMES);
        out.putShort((short) METHOD_STORED);
        out.putInt(DosTime.of(entry.modifiedEpochSecond()));
        out.putInt(crc32);
        int size32 = zip64 ? (int) ZIP64_MAGIC : (int) entry.size();
        out.putInt(size32); // compressed size: stored, so the same
        out.putInt(size32);
        out.putShort((short) entry.name().length);
        out.putShort((short) ZipLayout.localExtraLength(entry));
        out.put(entry.name());
        if (zip64) {
            out.putShort((short) ZIP64_EXTRA_FIELD_TAG);
            out.putShort((short) 16);
            out.putLong(entry.size());
            out.putLong(entry.size());
        }
        putExtendedTimestamp(out, entry);
        return finish(out);
    }

    public static byte[] centralHeader(ZipEntrySpec entry, int crc32, long localHeaderOffset) {
        ByteBuffer out = allocate(ZipLayout.centralHeaderLength(entry, localHeaderOffset));
        boolean zip64Sizes = ZipLayout.needsZip64Sizes(entry);
        boolean zip64Offset = ZipLayout.exceeds32Bits(localHeaderOffset);
        out.putInt(CENTRAL_FILE_HEADER_SIGNATURE);
        out.putShort((short) VERSION_MADE_BY);
        out.putShort((short) versionNeeded(entry, zip64Sizes || zip64Offset));
        out.putShort((short) FLAG_UTF8_NAMES);
        out.putShort((short) METHOD_STORED);
        out.putInt(DosTime.of(entry.modifiedEpochSecond()));
        out.putInt(crc32);
        int size32 = zip64Sizes ? (int) ZIP64_MAGIC : (int) entry.size();
        out.putInt(size32);
        out.putInt(size32);
        out.putShort((short) entry.name().length);
        out.putShort((short) ZipLayout.centralExtraLength(entry, localHeaderOffset));
        out.putShort((short) 0); // comment length
        out.putShort((short) 0); // disk number start
        out.putShort((short) 0); // internal attributes
        out.putInt(externalAttributes(entry));
        out.putInt(zip64Offset ? (int) ZIP64_MAGIC : (int) localHeaderOffset);
        out.put(entry.name());
        int zip64Values = ZipLayout.centralZip64ValueCount(entry, localHeaderOffset);
        if (zip64Values > 0) {
            out.putShort((short) ZIP64_EXTRA_FIELD_TAG);
            out.putShort((short) (8 * zip64Values));
            if (zip64Sizes) {
                out.putLong(entry.size());
                out.putLong(entry.size());
            }
            if (zip64Offset) {
                out.putLong(localHeaderOffset);
            }
        }
        putExtendedTimestamp(out, entry);
        return finish(out);
    }

    /**
     * The records after the central directory: the ZIP64 end record and its locator when a count, size or offset
     * overflows, then the classic end record with overflowing fields set to their all-ones marker.
     */
    public static byte[] endRecords(long entryCount, long centralDirectoryOffset, long centralDirectorySize) {
        ByteBuffer out = allocate(ZipLayout.endRecordsLength(entryCount, centralDirectoryOffset, centralDirectorySize));
        if (ZipLayout.needsZip64EndRecords(entryCount, centralDirectoryOffset, centralDirectorySize)) {
            long zip64EndOffset = centralDirectoryOffset + centralDirectorySize;
            out.putInt(ZIP64_END_OF_CENTRAL_DIRECTORY_SIGNATURE);
            out.putLong(ZIP64_END_OF_CENTRAL_DIRECTORY_LENGTH - 12); // size of the rest of this record
            out.putShort((short) VERSION_MADE_BY);
            out.putShort((short) VERSION_NEEDED_ZIP64);
            out.putInt(0); // this disk
            out.putInt(0); // disk with the central directory
            out.putLong(entryCount); // entries on this disk
            out.putLong(entryCount);
            out.putLong(centralDirectorySize);
            out.putLong(centralDirectoryOffset);

            out.putInt(ZIP64_END_OF_CENTRAL_DIRECTORY_LOCATOR_SIGNATURE);
            out.putInt(0); // disk with the ZIP64 end record
            out.putLong(zip64EndOffset);
            out.putInt(1); // total disks
        }
        short count16 = (short) Math.min(entryCount, ZIP64_MAGIC_SHORT);
        out.putInt(END_OF_CENTRAL_DIRECTORY_SIGNATURE);
        out.putShort((short) 0); // this disk
        out.putShort((short) 0); // disk with the central directory
        out.putShort(count16);
        out.putShort(count16);
        out.putInt((int) Math.min(centralDirectorySize, ZIP64_MAGIC));
        out.putInt((int) Math.min(centralDirectoryOffset, ZIP64_MAGIC));
        out.putShort((short) 0); // comment length
        return finish(out);
    }

    private static int versionNeeded(ZipEntrySpec entry, boolean zip64) {
        if (zip64) {
            return VERSION_NEEDED_ZIP64;
        }
        return entry.directory() ? VERSION_NEEDED_DIRECTORY : VERSION_NEEDED_STORED;
    }

    /** Unix mode in the upper 16 bits (honoured because "made by" says Unix), DOS directory bit in the lower. */
    private static int externalAttributes(ZipEntrySpec entry) {
        int type = entry.directory() ? UNIX_FILE_TYPE_DIRECTORY : UNIX_FILE_TYPE_REGULAR;
        int mode = type | (entry.unixPermissions() & 07777);
        return (mode << 16) | (entry.directory() ? MSDOS_DIRECTORY_ATTRIBUTE : 0);
    }

    private static void putExtendedTimestamp(ByteBuffer out, ZipEntrySpec entry) {
        out.putShort((short) EXTENDED_TIMESTAMP_TAG);
        out.putShort((short) (EXTENDED_TIMESTAMP_FIELD_LENGTH - EXTRA_FIELD_HEADER_LENGTH));
        out.put((byte) EXTENDED_TIMESTAMP_FLAG_MTIME);
        out.putInt(DosTime.unixSeconds(entry.modifiedEpochSecond()));
    }

    private static ByteBuffer allocate(int length) {
        return ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static byte[] finish(ByteBuffer out) {
        if (out.hasRemaining()) {
            throw new IllegalStateException("ZIP record length mismatch: " + out.remaining() + " bytes unwritten");
        }
        return out.array();
    }
}
