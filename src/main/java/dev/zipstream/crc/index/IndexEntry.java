package dev.zipstream.crc.index;

/**
 * One remembered CRC-32: the entry's name inside its archive folder, the stamp of the version that was read, and
 * its CRC-32. The stamp is opaque here: whoever owns the file says what identifies a version of it (size, times and
 * inode on a volume; size and ETag in an object store), and a CRC is only ever reused for an equal stamp.
 */
public record IndexEntry(String name, String stamp, int crc32) {
}
