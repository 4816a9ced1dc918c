package dev.zipstream.zip;

/**
 * The numbers of the ZIP format this writer uses, named once (PKWARE APPNOTE.TXT 6.3.10).
 */
final class ZipConstants {

    static final int LOCAL_FILE_HEADER_SIGNATURE = 0x04034b50;
    static final int CENTRAL_FILE_HEADER_SIGNATURE = 0x02014b50;
    static final int END_OF_CENTRAL_DIRECTORY_SIGNATURE = 0x06054b50;
    static final int ZIP64_END_OF_CENTRAL_DIRECTORY_SIGNATURE = 0x06064b50;
    static final int ZIP64_END_OF_CENTRAL_DIRECTORY_LOCATOR_SIGNATURE = 0x07064b50;

    /** Fixed parts of the records, before their variable name and extra fields. */
    static final int LOCAL_FILE_HEADER_FIXED_LENGTH = 30;
    static final int CENTRAL_FILE_HEADER_FIXED_LENGTH = 46;
    static final int END_OF_CENTRAL_DIRECTORY_LENGTH = 22;
    static final int ZIP64_END_OF_CENTRAL_DIRECTORY_LENGTH = 56;
    static final int ZIP64_END_OF_CENTRAL_DIRECTORY_LOCATOR_LENGTH = 20;

    /** A 32-bit field holding this value means "see the ZIP64 extra field or record". */
    static final long ZIP64_MAGIC = 0xFFFFFFFFL;
    /** The same for 16-bit entry counts. */
    static final int ZIP64_MAGIC_SHORT = 0xFFFF;

    static final int ZIP64_EXTRA_FIELD_TAG = 0x0001;
    /** Info-ZIP's extended timestamp ("UT"): tag, length, flags byte, 32-bit Unix mtime. */
    static final int EXTENDED_TIMESTAMP_TAG = 0x5455;
    static final int EXTENDED_TIMESTAMP_FIELD_LENGTH = 2 + 2 + 1 + 4;
    static final int EXTENDED_TIMESTAMP_FLAG_MTIME = 0x01;
    static final int EXTRA_FIELD_HEADER_LENGTH = 4;

    /** General purpose bit 11: file names are UTF-8. */
    static final int FLAG_UTF8_NAMES = 1 << 11;
    static final int METHOD_STORED = 0;

    /** Upper byte 3 = Unix, so readers apply the permissions in the external attributes; lower = spec 4.5. */
    static final int VERSION_MADE_BY = (3 << 8) | 45;
    static final int VERSION_NEEDED_STORED = 10;
    static final int VERSION_NEEDED_DIRECTORY = 20;
    static final int VERSION_NEEDED_ZIP64 = 45;

    static final int UNIX_FILE_TYPE_REGULAR = 0100000;
    static final int UNIX_FILE_TYPE_DIRECTORY = 0040000;
    static final int MSDOS_DIRECTORY_ATTRIBUTE = 0x10;

    private ZipConstants() {
    }
}
