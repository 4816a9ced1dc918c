package dev.zipstream.stream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;

import org.apache.commons.compress.archivers.zip.X5455_ExtendedTimestamp;
import org.apache.commons.compress.archivers.zip.Zip64Mode;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;

import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;

import dev.zipstream.plan.ArchiveEntry;
import dev.zipstream.plan.ArchivePlan;
import dev.zipstream.storage.EntryReader;
import dev.zipstream.storage.Span;

/**
 * The {@code COMPRESSION=deflate} archive, for folders of text: commons-compress's {@link ZipArchiveOutputStream}
 * deflates each file in turn into chunks of about {@code chunkSize} bytes. The compressed length is unknown until
 * the end, so such archives go out chunked, without ranges; entries carry data descriptors, which every reader
 * accepts for deflated entries. Same entries, names, times and modes as the stored archive.
 */
final class DeflatedChunkReader implements AutoCloseable {

    private final List<ArchiveEntry> entries;
    private final int chunkSize;
    private final ByteArrayOutputStream sink = new ByteArrayOutputStream();
    private final ZipArchiveOutputStream zip;
    private final EntryReader files;
    private final ByteBuffer readBuffer = ByteBuffer.allocate(64 * 1024);
    private int index = -1;
    private long entryDone;
    private boolean inEntry;
    private boolean finished;

    DeflatedChunkReader(ArchivePlan plan, int chunkSize) {
        this.entries = plan.entries();
        this.chunkSize = chunkSize;
        this.files = plan.storage().reader(() -> plan.entries().stream().filter(entry -> entry.size() > 0)
                .map(entry -> new Span(entry.source(), 0, entry.size())).toList());
        this.zip = new ZipArchiveOutputStream(sink);
        zip.setEncoding("UTF-8");
        zip.setUseLanguageEncodingFlag(true);
        zip.setMethod(ZipEntry.DEFLATED);
        zip.setLevel(Deflater.DEFAULT_COMPRESSION);
        zip.setUseZip64(Zip64Mode.AsNeeded);
    }

    /** The next chunk of the compressed archive, or null once it is complete. */
    Buffer next() throws IOException {
        while (sink.size() < chunkSize && !finished) {
            if (!inEntry) {
                startNextEntryOrFinish();
            } else {
                copySomeOfTheEntry();
            }
        }
        if (sink.size() == 0) {
            return null;
        }
        Buffer chunk = Buffer.buffer(Unpooled.wrappedBuffer(sink.toByteArray()));
        sink.reset();
        return chunk;
    }

    private void startNextEntryOrFinish() throws IOException {
        index++;
        if (index == entries.size()) {
            zip.finish();
            finished = true;
            return;
        }
        ArchiveEntry entry = entries.get(index);
        ZipArchiveEntry zipEntry = new ZipArchiveEntry(entry.name());
        Instant modified = Instant.ofEpochSecond(entry.spec().modifiedEpochSecond());
        zipEntry.setLastModifiedTime(FileTime.from(modified));
        X5455_ExtendedTimestamp timestamp = new X5455_ExtendedTimestamp();
        timestamp.setModifyJavaTime(java.util.Date.from(modified));
        zipEntry.addExtraField(timestamp);
        zipEntry.setUnixMode((entry.isDirectory() ? 040000 : 0100000) | entry.spec().unixPermissions());
        if (!entry.isDirectory()) {
            zipEntry.setSize(entry.size()); // lets commons-compress decide on ZIP64 before the data
        }
        zip.putArchiveEntry(zipEntry);
        inEntry = !entry.isDirectory() && entry.size() > 0;
        entryDone = 0;
        if (!inEntry) {
            zip.closeArchiveEntry();
        }
    }

    private void copySomeOfTheEntry() throws IOException {
        ArchiveEntry entry = entries.get(index);
        int n = (int) Math.min(readBuffer.capacity(), entry.size() - entryDone);
        readBuffer.clear().limit(n);
        files.read(entry.source(), entryDone, readBuffer);
        zip.write(readBuffer.array(), 0, n);
        entryDone += n;
        if (entryDone == entry.size()) {
            files.finishEntry(entry.source());
            zip.closeArchiveEntry();
            inEntry = false;
        }
    }

    /**
     * Closes the open file. A finished archive has already freed its deflater; a cancelled one cannot be finished
     * (an entry is open), so its deflater's native memory is left to the JDK's cleaner.
     */
    @Override
    public void close() throws IOException {
        files.close();
    }
}
