package dev.zipstream.crc;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32;

import dev.zipstream.plan.FileStamp;

/**
 * Computes a file's CRC-32 at disk speed: {@link FileChannel} reads into a reused 1 MiB direct buffer and the
 * JDK's intrinsic {@link CRC32}. Measured against memory-mapping, this is nearly as fast and keeps resident memory
 * flat (a mapped 5 GiB file shows up in RSS).
 */
public final class CrcCalculator {

    private static final int BUFFER_SIZE = 1 << 20;
    private static final ThreadLocal<ByteBuffer> BUFFERS = ThreadLocal
            .withInitial(() -> ByteBuffer.allocateDirect(BUFFER_SIZE));

    private CrcCalculator() {
    }

    /**
     * The CRC-32 of the file's first {@code expected.size()} bytes, failing if the file is not the one planned
     * (different stamp before or after reading, or shorter).
     */
    public static int crc32(Path file, FileStamp expected) throws IOException {
        ByteBuffer buffer = BUFFERS.get();
        CRC32 crc = new CRC32();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            requireUnchanged(file, expected);
            long remaining = expected.size();
            long position = 0;
            while (remaining > 0) {
                buffer.clear();
                if (remaining < buffer.capacity()) {
                    buffer.limit((int) remaining);
                }
                int read = channel.read(buffer, position);
                if (read < 0) {
                    throw new FileChangedException(file, "became shorter");
                }
                buffer.flip();
                crc.update(buffer);
                position += read;
                remaining -= read;
            }
        } catch (NoSuchFileException e) {
            throw new FileChangedException(file, "disappeared");
        }
        requireUnchanged(file, expected);
        return (int) crc.getValue();
    }

    /** Fails unless the file still has the stamp it was planned with. */
    public static void requireUnchanged(Path file, FileStamp expected) throws IOException {
        FileStamp now;
        try {
            now = FileStamp.read(file);
        } catch (NoSuchFileException e) {
            throw new FileChangedException(file, "disappeared");
        }
        if (!now.sameContentAs(expected)) {
            throw new FileChangedException(file, "changed (size " + expected.size() + " -> " + now.size() + ")");
        }
    }
}
