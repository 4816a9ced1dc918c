package dev.zipstream;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Test helper: an archive on the service as a read-only seekable channel whose every read is a {@code Range}
 * request (in blocks, a few kept), so that a random-access reader such as commons-compress checks an archive of
 * gigabytes without downloading it. Each response must be a {@code 206} with the expected {@code Content-Range}
 * and the ETag the channel was opened with. Bytes already received (a resumed tail) can be supplied with
 * {@link #seed}; reads inside them make no request.
 */
public final class HttpRangeChannel implements SeekableByteChannel {

    private static final int BLOCK = 64 * 1024;

    private final URI url;
    private final long size;
    private final String etag;
    private final Map<Long, byte[]> blocks = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, byte[]> eldest) {
            return size() > 32;
        }
    };
    private long seedStart = -1;
    private byte[] seed;
    private long position;
    private int requests;
    private boolean open = true;

    public HttpRangeChannel(URI url, long size, String etag) {
        this.url = url;
        this.size = size;
        this.etag = etag;
    }

    /** Bytes of the archive from {@code offset} that the caller already has. */
    public HttpRangeChannel seed(long offset, byte[] bytes) {
        seedStart = offset;
        seed = bytes;
        return this;
    }

    /** Range requests made so far. */
    public int requests() {
        return requests;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        if (position >= size) {
            return -1;
        }
        int total = 0;
        while (dst.hasRemaining() && position < size) {
            int n;
            if (seed != null && position >= seedStart && position < seedStart + seed.length) {
                int from = (int) (position - seedStart);
                n = Math.min(dst.remaining(), seed.length - from);
                dst.put(seed, from, n);
            } else {
                long blockStart = position - position % BLOCK;
                byte[] block = blocks.get(blockStart);
                if (block == null) {
                    block = fetch(blockStart, Math.min(size, blockStart + BLOCK));
                    blocks.put(blockStart, block);
                }
                int from = (int) (position - blockStart);
                n = Math.min(dst.remaining(), block.length - from);
                dst.put(block, from, n);
            }
            position += n;
            total += n;
        }
        return total;
    }

    /** The bytes {@code [start, end)} by one range request, checked against the headers. */
    public byte[] fetch(long start, long end) throws IOException {
        requests++;
        HttpURLConnection connection = (HttpURLConnection) url.toURL().openConnection();
        connection.setRequestProperty("Range", "bytes=" + start + "-" + (end - 1));
        connection.setRequestProperty("If-Range", etag);
        try {
            int status = connection.getResponseCode();
            String contentRange = connection.getHeaderField("Content-Range");
            String expected = "bytes " + start + "-" + (end - 1) + "/" + size;
            if (status != 206 || !expected.equals(contentRange) || !etag.equals(connection.getHeaderField("ETag"))) {
                throw new IOException("range " + expected + ": got " + status + " " + contentRange + " "
                        + connection.getHeaderField("ETag"));
            }
            try (InputStream in = connection.getInputStream()) {
                byte[] bytes = in.readAllBytes();
                if (bytes.length != end - start) {
                    throw new IOException("range " + expected + ": " + bytes.length + " bytes");
                }
                return bytes;
            }
        } finally {
            connection.disconnect();
        }
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
        return size;
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
