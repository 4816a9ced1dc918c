package dev.zipstream.plan;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * What identifies one version of a file's content without reading it: size, modification time to the
 * nanosecond, and the file key (device and inode on Unix) where the platform offers one. A file whose stamp is
 * unchanged is taken to have unchanged content; this is what keys the CRC-32 cache and detects files that change
 * while their archive streams.
 */
public record FileStamp(long size, long modifiedNanos, Object fileKey) {

    public static FileStamp of(BasicFileAttributes attributes) {
        return new FileStamp(attributes.size(), attributes.lastModifiedTime().to(TimeUnit.NANOSECONDS),
                attributes.fileKey());
    }

    /** The file's stamp now, following a symbolic link to its target. */
    public static FileStamp read(Path file) throws IOException {
        return of(Files.readAttributes(file, BasicFileAttributes.class));
    }

    public long modifiedEpochSecond() {
        return Math.floorDiv(modifiedNanos, 1_000_000_000L);
    }

    public boolean sameContentAs(FileStamp other) {
        return size == other.size && modifiedNanos == other.modifiedNanos && Objects.equals(fileKey, other.fileKey);
    }
}
