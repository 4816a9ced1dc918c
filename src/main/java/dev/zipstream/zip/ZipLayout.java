package dev.zipstream.zip;

import static dev.zipstream.zip.ZipConstants.*;

/**
 * The byte length of every record this writer emits, from names and sizes alone.
 *
 * <p>This is what lets the service announce an exact {@code Content-Length} before reading a single file. The
 * encoders in {@link ZipHeaders} make the very same ZIP64 decisions through the predicates here, so length and
 * bytes cannot disagree.
 *
 * <p>ZIP64 thresholds follow APPNOTE 4.4.1.4 and commons-compress: a value that does not fit below the field's
 * all-ones "see ZIP64" marker ({@code >= 0xFFFFFFFF} for sizes and offsets, {@code >= 0xFFFF} for entry counts)
 * switches that record to ZIP64; everything else stays plain ZIP.
 */
public final class ZipLayout {

    private ZipLayout() {
    }

    /** A size or offset that the 32-bit field cannot hold. */
    public static boolean exceeds32Bits(long value) {
        return value >= ZIP64_MAGIC;
    }

    /** Whether the local header (and central header) must carry the sizes in a ZIP64 extra field. */
    public static boolean needsZip64Sizes(ZipEntrySpec entry) {
        return exceeds32Bits(entry.size());
    }

    public static int localHeaderLength(ZipEntrySpec entry) {
        return LOCAL_FILE_HEADER_FIXED_LENGTH + entry.name().length + localExtraLength(entry);
    }

    static int localExtraLength(ZipEntrySpec entry) {
        // The local ZIP64 field, when present, must hold both sizes (APPNOTE 4.5.3).
        int zip64 = needsZip64Sizes(entry) ? EXTRA_FIELD_HEADER_LENGTH + 16 : 0;
        return zip64 + EXTENDED_TIMESTAMP_FIELD_LENGTH;
    }

    public static int centralHeaderLength(ZipEntrySpec entry, long localHeaderOffset) {
        return CENTRAL_FILE_HEADER_FIXED_LENGTH + entry.name().length + centralExtraLength(entry, localHeaderOffset);
    }

    static int centralExtraLength(ZipEntrySpec entry, long localHeaderOffset) {
        int zip64Values = centralZip64ValueCount(entry, localHeaderOffset);
        int zip64 = zip64Values == 0 ? 0 : EXTRA_FIELD_HEADER_LENGTH + 8 * zip64Values;
        return zip64 + EXTENDED_TIMESTAMP_FIELD_LENGTH;
    }

    /** In the central directory only the fields that overflowed go into the ZIP64 extra field, in spec order. */
    static int centralZip64ValueCount(ZipEntrySpec entry, long localHeaderOffset) {
        return (needsZip64Sizes(entry) ? 2 : 0) + (exceeds32Bits(localHeaderOffset) ? 1 : 0);
    }

    public static boolean needsZip64EndRecords(long entryCount, long centralDirectoryOffset,
            long centralDirectorySize) {
        return entryCount >= ZIP64_MAGIC_SHORT
                || exceeds32Bits(centralDirectoryOffset)
                || exceeds32Bits(centralDirectorySize);
    }

    /** The end of central directory record, preceded by the ZIP64 record and locator when needed. */
    public static int endRecordsLength(long entryCount, long centralDirectoryOffset, long centralDirectorySize) {
        int zip64 = needsZip64EndRecords(entryCount, centralDirectoryOffset, centralDirectorySize)
                ? ZIP64_END_OF_CENTRAL_DIRECTORY_LENGTH + ZIP64_END_OF_CENTRAL_DIRECTORY_LOCATOR_LENGTH
                : 0;
        return zip64 + END_OF_CENTRAL_DIRECTORY_LENGTH;
    }
}
