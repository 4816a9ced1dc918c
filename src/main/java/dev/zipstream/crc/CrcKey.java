package dev.zipstream.crc;

/**
 * What a CRC-32 is remembered by, in memory and in the index: the archive folder, the entry's name in it, and
 * the stamp of the version that was read. The stamp is opaque: whoever owns the file says what identifies a
 * version (see {@code plan.FileStamp#indexStamp()}), so a changed file never matches an old CRC.
 */
public record CrcKey(String folder, String name, String stamp) {
}
