package dev.zipstream.zip;

import java.nio.charset.StandardCharsets;

/**
 * What the ZIP format needs to know of one entry, minus its CRC-32: enough to compute every header's length.
 *
 * @param name UTF-8 bytes of the path inside the archive, {@code /}-separated, ending in {@code /} for a directory
 * @param directory whether this is a directory entry (no data)
 * @param size the file's length in bytes (0 for a directory); stored, so also its compressed length
 * @param modifiedEpochSecond last modification, Unix seconds
 * @param unixPermissions the permission bits ({@code 0644}, {@code 0755}, ...), without the file type
 */
public record ZipEntrySpec(byte[] name, boolean directory, long size, long modifiedEpochSecond, int unixPermissions) {

    /** Longest name the 16-bit length field can hold. */
    public static final int MAX_NAME_LENGTH = 0xFFFF;

    public ZipEntrySpec {
        if (name.length == 0 || name.length > MAX_NAME_LENGTH) {
            throw new IllegalArgumentException("ZIP entry names must be 1 to 65535 bytes, got " + name.length);
        }
        if (size < 0 || (directory && size != 0)) {
            throw new IllegalArgumentException("bad entry size " + size);
        }
    }

    public static ZipEntrySpec file(String name, long size, long modifiedEpochSecond, int unixPermissions) {
        return new ZipEntrySpec(name.getBytes(StandardCharsets.UTF_8), false, size, modifiedEpochSecond,
                unixPermissions);
    }

    public static ZipEntrySpec directory(String name, long modifiedEpochSecond, int unixPermissions) {
        String withSlash = name.endsWith("/") ? name : name + "/";
        return new ZipEntrySpec(withSlash.getBytes(StandardCharsets.UTF_8), true, 0, modifiedEpochSecond,
                unixPermissions);
    }

    public String nameAsString() {
        return new String(name, StandardCharsets.UTF_8);
    }
}
