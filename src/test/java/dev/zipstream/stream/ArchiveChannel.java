package dev.zipstream.stream;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;

import dev.zipstream.crc.CrcService;
import dev.zipstream.plan.ArchivePlan;

/**
 * Test helper: a planned archive as a read-only seekable channel, every read served as a range by the service's
 * own cursor. Lets a random-access reader (commons-compress) check archives of many gigabytes that are never
 * written anywhere.
 */
public final class ArchiveChannel implements SeekableByteChannel {

    private final ArchivePlan plan;
    private final CrcService crcs;
    private long position;
    private boolean open = true;

    public ArchiveChannel(ArchivePlan plan, CrcService crcs) {
        this.plan = plan;
        this.crcs = crcs;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        if (position >= plan.length()) {
            return -1;
        }
        long end = Math.min(plan.length(), position + Math.min(dst.remaining(), 1 << 20));
        byte[] bytes = ArchiveBytes.of(plan, new ByteRange(position, end), crcs);
        dst.put(bytes);
        position += bytes.length;
        return bytes.length;
    }

    @Override
    public int write(ByteBuffer src) {
        throw new NonWritableChannelException();
    }

    @Override
    public long position() {
        return position;
    }

    @Override
    public SeekableByteChannel position(long newPosition) {
        position = newPosition;
        return this;
    }

    @Override
    public long size() {
        return plan.length();
    }

    @Override
    public SeekableByteChannel truncate(long size) {
        throw new NonWritableChannelException();
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public void close() {
        open = false;
    }
}
