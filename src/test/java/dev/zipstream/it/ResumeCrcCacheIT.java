package dev.zipstream.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.zipstream.HttpRangeChannel;
import dev.zipstream.ShapeFixtures;
import dev.zipstream.ZipTail;

/**
 * Resuming the last MiB of a 5 GiB archive: with a cold CRC cache the service must read the whole file once
 * (the central directory in that MiB needs its CRC-32); once the CRC is cached, the same resume reads no file
 * data for CRCs at all ({@code archive_crc_bytes_read_total} stays put) and is still byte-correct.
 */
class ResumeCrcCacheIT {

    private static final int MIB = 1 << 20;

    @TempDir
    Path work;

    @Test
    void resumingTheLastMiBReadsTheFileOnceForItsCrcAndNeverAgain() throws Exception {
        Path root = ShapeFixtures.sparseRoot();
        String path = "/archive/" + ShapeFixtures.SPARSE + "/";
        Path folder = root.resolve(ShapeFixtures.SPARSE);
        byte[] after = Files.readAllBytes(folder.resolve(ShapeFixtures.SPARSE_AFTER));
        try (ServiceProcess service = ServiceProcess.start(work, Map.of("FOLDER_PATH", root.toString()))
                .awaitReady()) {
            ServiceHttp.Reply head = ServiceHttp.request(service, "HEAD", path);
            assertEquals(200, head.status());
            long length = head.contentLength();
            String etag = head.header("ETag");
            long tailStart = length - MIB;
            String range = "bytes=" + tailStart + "-" + (length - 1);
            String contentRange = "bytes " + tailStart + "-" + (length - 1) + "/" + length;

            double before = ServiceHttp.metric(service, "archive_crc_bytes_read_total");
            ServiceHttp.Reply cold = ServiceHttp.request(service, "GET", path, "Range", range, "If-Range", etag);
            double afterCold = ServiceHttp.metric(service, "archive_crc_bytes_read_total");
            ServiceHttp.Reply warm = ServiceHttp.request(service, "GET", path, "Range", range, "If-Range", etag);
            double afterWarm = ServiceHttp.metric(service, "archive_crc_bytes_read_total");
            System.out.printf("Resume of the last MiB of a %d-byte archive: cold CRC cache %s (%.0f bytes read "
                    + "for CRC-32s), warm %s (%.0f bytes)%n", length, ServiceHttp.millis(cold.nanos()),
                    afterCold - before, ServiceHttp.millis(warm.nanos()), afterWarm - afterCold);

            for (ServiceHttp.Reply reply : List.of(cold, warm)) {
                assertEquals(206, reply.status());
                assertEquals(contentRange, reply.header("Content-Range"));
                assertEquals(MIB, reply.contentLength());
                assertEquals(MIB, reply.body().length);
                assertEquals(etag, reply.header("ETag"));
            }
            assertEquals(ShapeFixtures.SPARSE_VIDEO_SIZE + ShapeFixtures.SPARSE_AFTER_SIZE, afterCold - before,
                    "a cold cache computes each CRC once: the 5 GiB video and the small file after it");
            assertEquals(0, afterWarm - afterCold, "a warm cache reads nothing to resume");
            assertArrayEquals(cold.body(), warm.body());

            // The tail by itself: end records, central directory with the right CRCs, the data before them.
            byte[] tail = warm.body();
            ZipTail zip = ZipTail.parse(tail, tailStart);
            assertTrue(zip.zip64());
            assertEquals(2, zip.entryCount());
            ZipTail.Entry video = zip.entries().get(0);
            ZipTail.Entry next = zip.entries().get(1);
            assertEquals(ShapeFixtures.SPARSE_VIDEO_SIZE, video.size());
            assertEquals(ShapeFixtures.sparseVideoCrc(), video.crc32());
            CRC32 crc = new CRC32();
            crc.update(after);
            assertEquals(crc.getValue(), next.crc32());
            int videoEnd = (int) (next.localHeaderOffset() - tailStart);
            assertArrayEquals(ShapeFixtures.sparseTail(),
                    Arrays.copyOfRange(tail, videoEnd - ShapeFixtures.SPARSE_TAIL, videoEnd));
            assertTrue(allZero(tail, 0, videoEnd - ShapeFixtures.SPARSE_TAIL));

            // What commons-compress reads from the received tail (only the first local header is fetched).
            HttpRangeChannel channel = new HttpRangeChannel(service.url(path), length, etag).seed(tailStart, tail);
            try (ZipFile reader = ZipFile.builder().setSeekableByteChannel(channel).get()) {
                List<ZipArchiveEntry> entries = Collections.list(reader.getEntriesInPhysicalOrder());
                assertEquals(List.of(ShapeFixtures.SPARSE_VIDEO, ShapeFixtures.SPARSE_AFTER),
                        entries.stream().map(ZipArchiveEntry::getName).toList());
                assertEquals(ShapeFixtures.SPARSE_VIDEO_SIZE, entries.get(0).getSize());
                assertEquals(ShapeFixtures.sparseVideoCrc(), entries.get(0).getCrc());
                assertEquals(crc.getValue(), entries.get(1).getCrc());
                assertEquals(next.localHeaderOffset(), entries.get(1).getLocalHeaderOffset());
                try (InputStream in = reader.getInputStream(entries.get(1))) {
                    assertArrayEquals(after, in.readAllBytes());
                }
            }
            assertTrue(channel.requests() <= 2, channel.requests() + " range requests besides the tail");
            assertEquals(afterWarm, ServiceHttp.metric(service, "archive_crc_bytes_read_total"),
                    "reading the local header of the 5 GiB file used the cached CRC too");
        }
    }

    private static boolean allZero(byte[] bytes, int from, int to) {
        for (int i = from; i < to; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return true;
    }
}
