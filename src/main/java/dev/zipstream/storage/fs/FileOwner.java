package dev.zipstream.storage.fs;

/**
 * Who may do what with a file, as its {@code stat} says: the permission bits ({@code 07777} of {@code st_mode}) and
 * the owning user and group ids ({@code st_uid}, {@code st_gid}; unsigned 32-bit values in an {@code int}).
 */
public record FileOwner(int permissions, int uid, int gid) {
}
