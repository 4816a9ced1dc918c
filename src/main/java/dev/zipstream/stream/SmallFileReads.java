package dev.zipstream.stream;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ObjIntConsumer;
import java.util.function.Supplier;
import java.util.zip.CRC32;

import io.netty.buffer.ByteBuf;

import dev.zipstream.plan.ArchiveEntry;
import dev.zipstream.storage.EntryReader;
import dev.zipstream.storage.StoredObject;

/**
 * Small files a batch reads whole, each into the place kept for it in the batch's buffer. In a folder of
 * thousands of thumbnails a batch is mostly open, read, {@code stat} and close per file, so when there are many a
 * helper on another core takes its share of them, through a reader of its own (readers are not shared between
 * threads). A helper that starts too late finds nothing left and ends: the batch never waits for a free thread.
 * Each file is checked against its plan after its read and closed, as a file read whole always is: by the CRC-32
 * of the bytes read where its header's is known (see {@link EntryReader#finishEntryRead}), else by its stamp.
 */
final class SmallFileReads implements AutoCloseable {

    /** Below this many files the batch's thread reads them alone: a hand-over would cost more than it saves. */
    static final int SHARED_FROM = 16;

    private record Read(ArchiveEntry entry, ByteBuf buffer, int at, int length, long declaredCrc32) {

        StoredObject file() {
            return entry.source();
        }

        ByteBuffer bytes() {
            return buffer.nioBuffer(at, length);
        }
    }

    private final List<Read> reads = new ArrayList<>();
    /** Where a helper runs; null: the batch's thread reads every file. */
    private final Executor helpers;
    private final Supplier<EntryReader> newReader;
    private final ObjIntConsumer<ArchiveEntry> crcContradicted;
    /** The helpers' reader, opened on first use; one helper at a time uses it. */
    private EntryReader helperReader;

    /**
     * {@code newReader}: a reader of the same storage for the helpers, asked for once, when first needed;
     * {@code crcContradicted}: told of a file whose bytes did not have the CRC-32 its header declared, and of
     * the CRC-32 they had (the batch fails on it all the same).
     */
    SmallFileReads(Executor helpers, Supplier<EntryReader> newReader, ObjIntConsumer<ArchiveEntry> crcContradicted) {
        this.helpers = helpers;
        this.newReader = newReader;
        this.crcContradicted = crcContradicted;
    }

    /** The bytes of {@code buffer} from {@code at} are kept for the whole file of {@code slice}. */
    void add(Piece.FileSlice slice, ByteBuf buffer, int at) {
        reads.add(new Read(slice.entry(), buffer, at, (int) slice.length(), slice.declaredCrc32()));
    }

    /**
     * Reads every file added since the last call: by this thread through {@code mine}, and by a helper through
     * a reader of its own when there are many. Returns once all are read; the first failure is thrown.
     */
    void readAll(EntryReader mine) throws IOException {
        if (reads.isEmpty()) {
            return;
        }
        try {
            if (reads.size() < SHARED_FROM || helpers == null) {
                new Sharing(null).drain(mine);
            } else {
                readSharing(mine);
            }
        } finally {
            reads.clear();
        }
    }

    private static int crc32(ByteBuffer bytes) {
        CRC32 crc = new CRC32();
        crc.update(bytes);
        return (int) crc.getValue();
    }

    @Override
    public void close() throws IOException {
        if (helperReader != null) {
            helperReader.close();
        }
    }

    private void readSharing(EntryReader mine) throws IOException {
        if (helperReader == null) {
            helperReader = newReader.get();
        }
        Sharing sharing = new Sharing(helperReader);
        helpers.execute(sharing::help);
        sharing.drainQuietly(mine);
        sharing.awaitHelper(); // before any failure is thrown: the caller then releases the buffers
        sharing.rethrow();
    }

    /** One call's reads, claimed one at a time by this thread and the helper. */
    private final class Sharing {
        private static final int NOT_STARTED = 0;
        private static final int HELPING = 1;
        private static final int TOO_LATE = 2;

        private final AtomicInteger next = new AtomicInteger();
        private final AtomicInteger helperState = new AtomicInteger(NOT_STARTED);
        private final CountDownLatch helperDone = new CountDownLatch(1);
        private final AtomicReference<Throwable> failure = new AtomicReference<>();
        private final EntryReader helper;

        Sharing(EntryReader helper) {
            this.helper = helper;
        }

        void help() {
            if (!helperState.compareAndSet(NOT_STARTED, HELPING)) {
                return;
            }
            try {
                drainQuietly(helper);
            } finally {
                helperDone.countDown();
            }
        }

        void drain(EntryReader reader) throws IOException {
            drainQuietly(reader);
            rethrow();
        }

        private void drainQuietly(EntryReader reader) {
            for (int i = next.getAndIncrement(); i < reads.size() && failure.get() == null; i = next.getAndIncrement()) {
                Read read = reads.get(i);
                try {
                    reader.read(read.file(), 0, read.bytes());
                    if (read.declaredCrc32() == Piece.FileSlice.UNKNOWN_CRC) {
                        reader.finishEntry(read.file());
                    } else {
                        int crc32 = crc32(read.bytes());
                        if (crc32 != (int) read.declaredCrc32()) {
                            crcContradicted.accept(read.entry(), crc32);
                        }
                        reader.finishEntryRead(read.file(), crc32, (int) read.declaredCrc32());
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }
        }

        /** Waits for a helper that claimed reads; one that has not started yet never will. */
        void awaitHelper() {
            if (helperState.compareAndSet(NOT_STARTED, TOO_LATE)) {
                return;
            }
            boolean interrupted = false;
            while (true) {
                try {
                    helperDone.await();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true; // the buffers are written until the helper is done: wait on
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }

        void rethrow() throws IOException {
            Throwable e = failure.get();
            if (e == null) {
                return;
            }
            if (e instanceof IOException io) {
                throw io;
            }
            if (e instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (e instanceof Error error) {
                throw error;
            }
            throw new UncheckedIOException(new IOException(e));
        }
    }
}
