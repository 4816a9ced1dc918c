package dev.zipstream.crc;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import dev.zipstream.plan.RootedFiles;
import java.util.zip.CRC32;

import dev.zipstream.plan.FileStamp;

/**
 * Computes a file's CRC-32 at disk speed: {@link FileChannel} reads into a reused 1 MiB direct buffer and the
 * JDK's intrinsic {@link CRC32}. Measured against memory-mapping, this is nearly as fast and keeps resident memory
 * flat (a mapped 5 GiB file shows up in RSS).
 */
public final class CrcCalculator {

    /** A few 1 MiB direct buffers for all CRC work: more would only wait for the cores anyway. */
    private static final DirectBufferPool BUFFERS = new DirectBufferPool(
            Math.max(2, Runtime.getRuntime().availableProcessors()), 1 << 20);

    private CrcCalculator() {
    }

    /**
     * The CRC-32 of the file's first {@code expected.size()} bytes, failing if the file is not the one planned
     * (different stamp before or after reading, or shorter).
     */
    public static int crc32(RootedFiles files, Path file, FileStamp expected) throws IOException {
        return crc32(files, file, expected, ReadPacer.UNLIMITED);
    }

    /** The same, reading no faster than the pacer allows. */
    public static int crc32(RootedFiles files, Path file, FileStamp expected, ReadPacer pacer) throws IOException {
        CRC32 crc = new CRC32();
        // A paced reader sleeps with its buffer: it brings its own, so requests never wait for the shared ones.
        boolean pooled = pacer.buffer() == null;
        ByteBuffer buffer = pooled ? BUFFERS.take() : pacer.buffer().clear();
        try (FileChannel channel = files.openFile(file)) {
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
                pacer.read(read);
                position += read;
                remaining -= read;
            }
        } catch (NoSuchFileException e) {
            throw new FileChangedException(file, "disappeared");
        } finally {
            if (pooled) {
                BUFFERS.give(buffer);
            }
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
