package dev.zipstream.storage.s3;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32;

import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumMode;
import software.amazon.awssdk.services.s3.model.ChecksumType;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

import dev.zipstream.storage.EntryChangedException;
import dev.zipstream.storage.EntryReader;
import dev.zipstream.storage.ReadPacing;
import dev.zipstream.storage.Span;
import dev.zipstream.storage.StoredObject;

/**
 * Reads one download's objects by ranged GETs with {@code If-Match} on the listed ETag, fetching ahead of the
 * writer across the next objects. Each span the download will read is one GET, requested on the shared fetch
 * threads ahead of time: a small span (at most {@link #PART_BYTES}) is read whole into memory there, so a folder of
 * many small photos does not pay one round trip per photo in a row; a large span is a streamed part, whose
 * response the writer reads as it goes (TCP's flow control is its read-ahead, and one GET per object costs a
 * server far less than one per mebibyte). Parts are requested while less than {@link #READ_AHEAD_BYTES} is
 * fetched or on its way (a streamed part counts as one part), at most {@link #STREAMS_AHEAD} of them streamed, so
 * a slow client slows the reads. Closing the reader (a hang-up) aborts every GET in flight and drops the parts
 * not yet requested.
 *
 * <p>CRC-32s: from the bytes of a whole object already fetched ahead (no request), else from S3's stored
 * full-object CRC32 checksum (HEAD with checksum mode), else by streaming the object once.
 */
final class S3EntryReader implements EntryReader {

    static final int PART_BYTES = 1 << 20;
    /** Bytes fetched ahead per download, counting parts on their way: memory a stalled download holds. */
    static final long READ_AHEAD_BYTES = 8L << 20;
    /** GETs on their way per download at most (for small objects, where the byte budget allows hundreds). */
    static final int MAX_PARTS = 32;
    /** Streamed parts open per download at most: the one being read and the next. */
    static final int STREAMS_AHEAD = 2;

    /** One ranged GET: bytes {@code from} to {@code to} (exclusive) of one object, buffered or streamed. */
    private static final class Part {
        final BucketObject object;
        final long from;
        final long to;
        final boolean streamed;
        final CompletableFuture<byte[]> data = new CompletableFuture<>();
        final CompletableFuture<ResponseInputStream<GetObjectResponse>> response = new CompletableFuture<>();
        /** For a streamed part: the next position its response gives (the writer's thread only). */
        long next;

        Part(BucketObject object, long from, long to, boolean streamed) {
            this.object = object;
            this.from = from;
            this.to = to;
            this.streamed = streamed;
            this.next = from;
        }

        boolean holds(BucketObject wanted, long position) {
            return object.equals(wanted) && from <= position && position < to && (!streamed || position == next);
        }

        boolean whole(BucketObject wanted) {
            return !streamed && object.equals(wanted) && from == 0 && to == wanted.size();
        }

        long budget() {
            return streamed ? PART_BYTES : to - from;
        }

        void fail(Throwable e) {
            data.completeExceptionally(e);
            response.completeExceptionally(e);
        }
    }

    private final S3Client s3;
    private final Executor fetchers;
    private final AtomicInteger requestsInFlight;
    private final List<Span> spans;
    /** Parts requested and not yet taken by the writer, in reading order. Guarded by this. */
    private final ArrayDeque<Part> ahead = new ArrayDeque<>();
    private long aheadBytes;
    private int streamsAhead;
    private int nextSpan;
    /** Every response being read, so that close() can abort them from another thread. */
    private final Set<ResponseInputStream<GetObjectResponse>> open = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    S3EntryReader(S3Client s3, Executor fetchers, AtomicInteger requestsInFlight, List<Span> spans) {
        this.s3 = s3;
        this.fetchers = fetchers;
        this.requestsInFlight = requestsInFlight;
        this.spans = spans;
        synchronized (this) {
            topUp();
        }
    }

    @Override
    public void read(StoredObject object, long position, ByteBuffer dst) throws IOException {
        BucketObject wanted = (BucketObject) object;
        while (dst.hasRemaining()) {
            Part part = partHolding(wanted, position);
            if (part == null) {
                // Not a span announced in advance: fetched on its own, nothing is wasted.
                fetchInto(wanted, position, dst);
                return;
            }
            int n;
            if (part.streamed) {
                n = readStreamed(part, dst);
            } else {
                byte[] bytes = await(part.data);
                int offset = (int) (position - part.from);
                n = Math.min(dst.remaining(), bytes.length - offset);
                dst.put(bytes, offset, n);
            }
            position += n;
            if (position == part.to) {
                taken(part);
            }
        }
    }

    /** If-Match made every byte read come from the planned version: nothing is left to check. */
    @Override
    public void finishEntry(StoredObject object) {
    }

    @Override
    public void finishRange() {
    }

    @Override
    public OptionalInt knownCrc32(StoredObject object) throws IOException {
        BucketObject wanted = (BucketObject) object;
        Part whole = wholeAhead(wanted);
        if (whole != null) {
            CRC32 crc = new CRC32();
            crc.update(await(whole.data));
            return OptionalInt.of((int) crc.getValue());
        }
        return storedCrc32(wanted);
    }

    /**
     * S3's stored CRC32 of the whole object, if it has one. A composite checksum (multipart uploads: a CRC of the
     * parts' CRCs, written {@code value-N}) is not the CRC-32 of the object's bytes, so it is not used.
     */
    private OptionalInt storedCrc32(BucketObject object) throws IOException {
        ensureOpen();
        requestsInFlight.incrementAndGet();
        try {
            HeadObjectResponse head = s3.headObject(request -> request.bucket(object.bucket()).key(object.key())
                    .ifMatch(object.etag()).checksumMode(ChecksumMode.ENABLED));
            String value = head.checksumCRC32();
            if (value == null || value.contains("-") || head.checksumType() == ChecksumType.COMPOSITE) {
                return OptionalInt.empty();
            }
            byte[] raw = Base64.getDecoder().decode(value);
            return raw.length == 4 ? OptionalInt.of(ByteBuffer.wrap(raw).getInt()) : OptionalInt.empty();
        } catch (S3Exception e) {
            throw failure(object, "HEAD", e);
        } catch (SdkException | IllegalArgumentException e) {
            throw new IOException("HEAD " + object.location() + " failed: " + e.getMessage(), e);
        } finally {
            requestsInFlight.decrementAndGet();
        }
    }

    /** Streams the whole object once (one GET). */
    @Override
    public int crc32(StoredObject object, ReadPacing pacing) throws IOException {
        BucketObject wanted = (BucketObject) object;
        CRC32 crc = new CRC32();
        if (wanted.size() == 0) {
            return 0;
        }
        get(wanted, 0, wanted.size(), in -> {
            byte[] buffer = new byte[256 * 1024];
            long remaining = wanted.size();
            while (remaining > 0) {
                int n = in.read(buffer, 0, (int) Math.min(buffer.length, remaining));
                if (n < 0) {
                    throw new EntryChangedException(wanted.location(), "became shorter");
                }
                crc.update(buffer, 0, n);
                pacing.read(n);
                remaining -= n;
            }
            return null;
        });
        return (int) crc.getValue();
    }

    private synchronized Part partHolding(BucketObject wanted, long position) throws IOException {
        ensureOpen();
        topUp();
        Part head = ahead.peek();
        return head != null && head.holds(wanted, position) ? head : null;
    }

    private synchronized Part wholeAhead(BucketObject wanted) throws IOException {
        ensureOpen();
        topUp();
        for (Part part : ahead) {
            if (part.whole(wanted)) {
                return part;
            }
        }
        return null;
    }

    private synchronized void taken(Part part) {
        if (ahead.peek() == part) {
            ahead.poll();
            aheadBytes -= part.budget();
            streamsAhead -= part.streamed ? 1 : 0;
        }
        topUp();
    }

    /** Requests the next parts while the budget allows (always at least one, however large). */
    private void topUp() {
        while (!closed && nextSpan < spans.size() && ahead.size() < MAX_PARTS
                && (aheadBytes < READ_AHEAD_BYTES || ahead.isEmpty())) {
            Span span = spans.get(nextSpan);
            boolean streamed = span.length() > PART_BYTES;
            if (streamed && streamsAhead >= STREAMS_AHEAD) {
                return;
            }
            Part part = new Part((BucketObject) span.object(), span.from(), span.to(), streamed);
            nextSpan++;
            ahead.add(part);
            aheadBytes += part.budget();
            streamsAhead += streamed ? 1 : 0;
            fetchers.execute(() -> fetch(part));
        }
    }

    private void fetch(Part part) {
        if (closed) {
            part.fail(new ClosedChannelException());
            return;
        }
        try {
            if (part.streamed) {
                // Only the response head is awaited here; the writer reads the body as it needs it.
                part.response.complete(openResponse(part.object, part.from, part.to));
                if (closed) {
                    part.response.thenAccept(in -> release(in, false));
                }
                return;
            }
            int length = (int) (part.to - part.from);
            byte[] data = get(part.object, part.from, part.to, in -> {
                byte[] bytes = new byte[length];
                if (in.readNBytes(bytes, 0, length) < length) {
                    throw new EntryChangedException(part.object.location(), "became shorter");
                }
                return bytes;
            });
            part.data.complete(data);
        } catch (Throwable e) {
            part.fail(e);
        }
    }

    /**
     * Reads what {@code dst} has room for (up to the part's end) from a streamed part's response. A connection
     * that breaks mid-object (an idle timeout while the client was slow) is reopened once from where it broke.
     */
    private int readStreamed(Part part, ByteBuffer dst) throws IOException {
        int n = (int) Math.min(dst.remaining(), part.to - part.next);
        ResponseInputStream<GetObjectResponse> in = awaitResponse(part);
        byte[] target = dst.hasArray() ? dst.array() : new byte[n];
        int offset = dst.hasArray() ? dst.arrayOffset() + dst.position() : 0;
        int done = 0;
        boolean reopened = false;
        while (done < n) {
            int read;
            try {
                read = in.read(target, offset + done, n - done);
            } catch (IOException e) {
                ensureOpen();
                if (reopened) {
                    throw e;
                }
                reopened = true;
                release(in, false);
                in = openResponse(part.object, part.next + done, part.to);
                part.response.obtrudeValue(in);
                continue;
            }
            if (read < 0) {
                throw new EntryChangedException(part.object.location(), "became shorter");
            }
            done += read;
        }
        if (dst.hasArray()) {
            dst.position(dst.position() + n);
        } else {
            dst.put(target, 0, n);
        }
        part.next += n;
        if (part.next == part.to) {
            release(in, true);
        }
        return n;
    }

    private void fetchInto(BucketObject object, long position, ByteBuffer dst) throws IOException {
        int length = dst.remaining();
        byte[] bytes = get(object, position, position + length, in -> {
            byte[] read = new byte[length];
            if (in.readNBytes(read, 0, length) < length) {
                throw new EntryChangedException(object.location(), "became shorter");
            }
            return read;
        });
        dst.put(bytes);
    }

    /** What is done with a response's body. */
    @FunctionalInterface
    private interface Body<T> {
        T read(ResponseInputStream<GetObjectResponse> in) throws IOException;
    }

    /** One ranged GET with {@code If-Match} read by {@code body}, abortable by {@link #close()} meanwhile. */
    private <T> T get(BucketObject object, long from, long to, Body<T> body) throws IOException {
        ResponseInputStream<GetObjectResponse> in = openResponse(object, from, to);
        boolean read = false;
        try {
            T result = body.read(in);
            read = true;
            return result;
        } catch (IOException e) {
            throw closed && !(e instanceof EntryChangedException) ? new ClosedChannelException() : e;
        } finally {
            release(in, read);
        }
    }

    /**
     * Sends a ranged GET with {@code If-Match} and returns its response once the head has arrived, counted in
     * {@link #requestsInFlight} and abortable by {@link #close()} until {@link #release} is called.
     */
    private ResponseInputStream<GetObjectResponse> openResponse(BucketObject object, long from, long to)
            throws IOException {
        ensureOpen();
        requestsInFlight.incrementAndGet();
        ResponseInputStream<GetObjectResponse> in;
        try {
            GetObjectRequest request = GetObjectRequest.builder().bucket(object.bucket()).key(object.key())
                    .ifMatch(object.etag()).range("bytes=" + from + "-" + (to - 1)).build();
            in = s3.getObject(request);
        } catch (S3Exception e) {
            requestsInFlight.decrementAndGet();
            throw failure(object, "GET", e);
        } catch (SdkException e) {
            requestsInFlight.decrementAndGet();
            throw closed ? new ClosedChannelException()
                    : new IOException("GET " + object.location() + " failed: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            requestsInFlight.decrementAndGet();
            throw e;
        }
        open.add(in);
        if (closed) {
            release(in, false);
            throw new ClosedChannelException();
        }
        return in;
    }

    /**
     * Ends a response once: a fully read one is closed (its connection goes back to the pool); any other is
     * aborted, since closing would first read the rest of its body.
     */
    private void release(ResponseInputStream<GetObjectResponse> in, boolean fullyRead) {
        if (open.remove(in)) {
            if (!fullyRead) {
                in.abort();
            }
            closeQuietly(in);
            requestsInFlight.decrementAndGet();
        }
    }

    private static IOException failure(BucketObject object, String request, S3Exception e) {
        return switch (e.statusCode()) {
            case 412 -> new EntryChangedException(object.location(), "was replaced (ETag " + object.etag()
                    + " no longer matches)");
            case 404 -> new EntryChangedException(object.location(), "disappeared");
            default -> new IOException(request + " " + object.location() + " failed: S3 answered " + e.statusCode()
                    + " " + (e.awsErrorDetails() == null ? "" : e.awsErrorDetails().errorCode()), e);
        };
    }

    private ResponseInputStream<GetObjectResponse> awaitResponse(Part part) throws IOException {
        try {
            return part.response.join();
        } catch (CompletionException e) {
            throw unwrap(e);
        } catch (java.util.concurrent.CancellationException e) {
            throw new ClosedChannelException();
        }
    }

    private static IOException unwrap(CompletionException e) {
        if (e.getCause() instanceof IOException io) {
            return io;
        }
        if (e.getCause() instanceof Error error) {
            throw error;
        }
        return new IOException(e.getCause());
    }

    private byte[] await(CompletableFuture<byte[]> data) throws IOException {
        try {
            return data.join();
        } catch (CompletionException e) {
            throw unwrap(e);
        } catch (java.util.concurrent.CancellationException e) {
            throw new ClosedChannelException();
        }
    }

    private void ensureOpen() throws ClosedChannelException {
        if (closed) {
            throw new ClosedChannelException();
        }
    }

    private static void closeQuietly(ResponseInputStream<GetObjectResponse> in) {
        try {
            in.close();
        } catch (IOException | RuntimeException e) {
            // An aborted or fully read response: nothing is lost.
        }
    }

    /** Drops the parts not yet requested and aborts every GET being read; from any thread. */
    @Override
    public void close() {
        closed = true;
        synchronized (this) {
            for (Part part : ahead) {
                part.fail(new ClosedChannelException());
            }
            ahead.clear();
            aheadBytes = 0;
            streamsAhead = 0;
        }
        for (ResponseInputStream<GetObjectResponse> in : open) {
            release(in, false);
        }
    }
}
