package dev.zipstream.http;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.apache.commons.compress.utils.SeekableInMemoryByteChannel;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;

import dev.zipstream.HttpRangeChannel;
import dev.zipstream.ShapeFixtures;
import dev.zipstream.ZipTail;

/**
 * Every range form over archives of the shapes where offsets are easy to get wrong: the 22-byte archive of an
 * empty folder, empty files, 200+-byte UTF-8 names three levels deep, 65,536 entries (ZIP64 end records for the
 * count alone) and a 5 GiB sparse file (ZIP64 sizes, offsets and end records). Each {@code 206} must be the
 * matching slice of the whole body, or, for the 5 GiB archive that is never downloaded whole, of its last 2 MiB.
 */
@QuarkusTest
@TestProfile(ArchiveShapesRangeTest.Shapes.class)
class ArchiveShapesRangeTest {

    /** Serves {@link ShapeFixtures#ROOT}; the folders themselves are made (once) before the first test. */
    public static class Shapes implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            try {
                Files.createDirectories(ShapeFixtures.ROOT);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return Map.of("folder.path", ShapeFixtures.ROOT.toString());
        }
    }

    @TestHTTPResource("/")
    URL base;

    @BeforeAll
    static void shapes() {
        ShapeFixtures.root();
    }

    @Test
    void emptyFolderIsA22ByteArchiveWhoseEveryByteCanBeRequested() {
        String path = "/archive/" + ShapeFixtures.EMPTY + "/";
        Response whole = given().get(path).then().statusCode(200).extract().response();
        byte[] body = whole.asByteArray();
        assertEquals(22, body.length);
        String etag = whole.header("ETag");
        ZipTail tail = ZipTail.parse(body, 0);
        assertEquals(0, tail.entryCount());
        assertEquals(0, tail.centralDirectoryOffset());
        assertFalse(tail.zip64());

        for (String spec : List.of("0-0", "21-21", "0-21", "0-", "10-", "-1", "-22", "-23", "-100000", "0-1000",
                "5-9")) {
            assertSlice(path, spec, body, 0, 22, etag);
        }
        for (String spec : List.of("22-", "22-22", "23-30", "100-", "-0")) {
            assert416(path, spec, 22);
        }
        given().header("Range", "bytes=0-0").head(path).then().statusCode(206)
                .header("Content-Range", "bytes 0-0/22").header("Content-Length", "1");
    }

    @Test
    void emptyFilesEveryHeaderAndRecordBoundary() throws IOException {
        Shape shape = downloadWhole(ShapeFixtures.EMPTY_FILES);
        long emptyFiles = shape.tail.entries().stream()
                .filter(e -> e.size() == 0 && !e.name().endsWith("/")).count();
        assertEquals(5, emptyFiles, "five empty files: " + shape.tail.entries());
        assertEveryBoundary(shape);
    }

    @Test
    void longUtf8NamesInNestedFoldersEveryHeaderAndRecordBoundary() throws IOException {
        Shape shape = downloadWhole(ShapeFixtures.LONG_NAMES);
        int deepest = 0;
        for (ZipTail.Entry entry : shape.tail.entries()) {
            assertEquals(0x0800, entry.flags() & 0x0800, "UTF-8 flag of " + entry.name());
            for (String component : entry.name().split("/")) {
                assertTrue(component.getBytes(StandardCharsets.UTF_8).length >= 200, component);
            }
            deepest = Math.max(deepest, entry.name().getBytes(StandardCharsets.UTF_8).length);
        }
        assertTrue(deepest > 900, "the deepest name has " + deepest + " bytes");
        assertEveryBoundary(shape);
    }

    @Test
    void entryCountPast16BitsRangesAtTheCentralDirectoryAndEndRecords() throws IOException {
        long started = System.nanoTime();
        Shape shape = downloadWhole(ShapeFixtures.MANY);
        System.out.printf("65,536 entries: %d-byte archive downloaded and checked in %d ms%n", shape.body.length,
                (System.nanoTime() - started) / 1_000_000);
        ZipTail tail = shape.tail;
        assertTrue(tail.zip64(), "65,536 entries need the ZIP64 end records");
        int streamed = 0;
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(shape.body))) {
            for (ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                in.readAllBytes(); // ZipInputStream checks each stored entry against its local header's CRC-32
                streamed++;
            }
        }
        assertEquals(ShapeFixtures.MANY_ENTRIES, streamed, "a streaming reader finds every entry");
        assertEquals(ShapeFixtures.MANY_ENTRIES, tail.entryCount());
        assertEquals(0xFFFF, tail.classicCount());
        assertEquals(tail.centralDirectoryOffset(), tail.classicDirectoryOffset(), "offset fits 32 bits");

        long checking = System.nanoTime();
        try (ZipFile zip = ZipFile.builder().setSeekableByteChannel(new SeekableInMemoryByteChannel(shape.body))
                .get()) {
            List<ZipArchiveEntry> entries = Collections.list(zip.getEntriesInPhysicalOrder());
            assertEquals(ShapeFixtures.MANY_ENTRIES, entries.size());
            CRC32 crc = new CRC32();
            int index = 0;
            for (int d = 0; d < ShapeFixtures.MANY_FOLDERS; d++) {
                assertEquals(ShapeFixtures.manyFolder(d) + "/", entries.get(index++).getName());
                for (int f = 0; f < ShapeFixtures.MANY_FILES_PER_FOLDER; f++) {
                    ZipArchiveEntry entry = entries.get(index++);
                    assertEquals(ShapeFixtures.manyFolder(d) + "/" + ShapeFixtures.manyFile(f), entry.getName());
                    assertEquals(1, entry.getSize());
                    crc.reset();
                    crc.update(ShapeFixtures.manyByte(d, f));
                    assertEquals(crc.getValue(), entry.getCrc(), entry.getName());
                    // The stored byte right after the local header: where commons-compress says the data starts.
                    assertEquals(ShapeFixtures.manyByte(d, f), shape.body[(int) entry.getDataOffset()],
                            entry.getName());
                }
            }
            ZipArchiveEntry lastFile = entries.get(entries.size() - 1);
            try (InputStream in = zip.getInputStream(lastFile)) {
                assertArrayEquals(new byte[] {ShapeFixtures.manyByte(ShapeFixtures.MANY_FOLDERS - 1,
                        ShapeFixtures.MANY_FILES_PER_FOLDER - 1)}, in.readAllBytes());
            }
        }
        System.out.printf("65,536 entries: commons-compress check in %d ms%n",
                (System.nanoTime() - checking) / 1_000_000);

        long cd = tail.centralDirectoryOffset();
        long z64 = tail.zip64EndOffset();
        long locator = tail.locatorOffset();
        long end = tail.endOffset();
        long length = tail.length();
        ZipTail.Entry middle = tail.entries().get(ShapeFixtures.MANY_ENTRIES / 2);
        ZipTail.Entry last = tail.entries().get(ShapeFixtures.MANY_ENTRIES - 1);
        // Each request plans 65,536 entries again, so a few well-placed ranges rather than many.
        long ranges = System.nanoTime();
        List<String> specs = List.of(
                (cd - 1) + "-" + cd,                                  // last data byte and the directory's first
                (middle.recordOffset() - 1) + "-" + (middle.recordOffset() + middle.recordLength()),
                (z64 - 1) + "-" + (locator - 1),                      // last directory byte, the ZIP64 end record
                (locator - 2) + "-" + (end + 1),                      // across the locator into the end record
                last.localHeaderOffset() + "-" + (cd + 10),           // the last entry into the directory
                cd + "-",                                             // the whole directory and end records
                "-98",                                                // exactly the three end records
                (length - 10) + "-" + (length + 1000));
        for (String spec : specs) {
            assertSlice(shape.path, spec, shape.body, 0, length, shape.etag);
        }
        assert416(shape.path, length + "-", length);
        System.out.printf("65,536 entries: %d ranges in %d ms%n", specs.size() + 1,
                (System.nanoTime() - ranges) / 1_000_000);
    }

    @Test
    void sparseFilePast4GiBRangesNearTheEndAndAcrossTheZip64EndRecords() throws IOException {
        String path = "/archive/" + ShapeFixtures.SPARSE + "/";
        Response head = given().head(path).then().statusCode(200).header("Accept-Ranges", "bytes").extract()
                .response();
        long length = Long.parseLong(head.header("Content-Length"));
        String etag = head.header("ETag");
        assertTrue(length > ShapeFixtures.SPARSE_VIDEO_SIZE, "length " + length);

        int tailLength = 2 << 20;
        long tailStart = length - tailLength;
        long started = System.nanoTime();
        byte[] tail = given().header("Range", "bytes=-" + tailLength).get(path).then().statusCode(206)
                .header("Content-Range", "bytes " + tailStart + "-" + (length - 1) + "/" + length)
                .header("ETag", etag).extract().asByteArray();
        System.out.printf("5 GiB sparse archive: last 2 MiB in %d ms (CRC-32 of 5 GiB computed unless cached)%n",
                (System.nanoTime() - started) / 1_000_000);
        assertEquals(tailLength, tail.length);

        ZipTail zip = ZipTail.parse(tail, tailStart);
        assertTrue(zip.zip64());
        assertEquals(2, zip.entryCount());
        assertEquals(0xFFFFFFFFL, zip.classicDirectoryOffset(), "the classic offset field says: see ZIP64");
        assertTrue(zip.centralDirectoryOffset() > 0xFFFFFFFFL);
        ZipTail.Entry video = zip.entries().get(0);
        ZipTail.Entry after = zip.entries().get(1);
        assertEquals(ShapeFixtures.SPARSE_VIDEO, video.name());
        assertEquals(ShapeFixtures.SPARSE_VIDEO_SIZE, video.size());
        assertEquals(ShapeFixtures.SPARSE_VIDEO_SIZE, video.compressedSize());
        assertEquals(0, video.localHeaderOffset());
        assertEquals(ShapeFixtures.sparseVideoCrc(), video.crc32(), "CRC-32 of 5 GiB in the directory");
        assertEquals(ShapeFixtures.SPARSE_AFTER, after.name());
        assertTrue(after.localHeaderOffset() > 0xFFFFFFFFL, "second header past 4 GiB");
        byte[] afterBytes = Files.readAllBytes(ShapeFixtures.ROOT.resolve(ShapeFixtures.SPARSE)
                .resolve(ShapeFixtures.SPARSE_AFTER));
        CRC32 afterCrc = new CRC32();
        afterCrc.update(afterBytes);
        assertEquals(afterCrc.getValue(), after.crc32());

        // The video's last bytes end right where the next local header begins.
        int videoEnd = (int) (after.localHeaderOffset() - tailStart);
        assertArrayEquals(ShapeFixtures.sparseTail(),
                Arrays.copyOfRange(tail, videoEnd - ShapeFixtures.SPARSE_TAIL, videoEnd));
        for (int i = 0; i < videoEnd - ShapeFixtures.SPARSE_TAIL; i++) {
            if (tail[i] != 0) {
                throw new AssertionError("sparse video byte " + (tailStart + i) + " is " + tail[i]);
            }
        }
        int afterData = videoEnd + 30 + ShapeFixtures.SPARSE_AFTER.length()
                + (tail[videoEnd + 28] & 0xff | (tail[videoEnd + 29] & 0xff) << 8);
        assertArrayEquals(afterBytes, Arrays.copyOfRange(tail, afterData, afterData + afterBytes.length));

        long cd = zip.centralDirectoryOffset();
        long z64 = zip.zip64EndOffset();
        long locator = zip.locatorOffset();
        long end = zip.endOffset();
        long lho = after.localHeaderOffset();
        for (String spec : List.of(
                (length - 1) + "-" + (length - 1), "-1", "-22", "-42", "-98", "-99", "-1000",
                (z64 - 1) + "-" + z64, z64 + "-" + (z64 + 55), (locator - 2) + "-" + (locator + 1),
                (end - 1) + "-", (cd - 1) + "-" + cd, (cd - 1000) + "-" + (cd + 1000), cd + "-",
                (lho - 1) + "-" + (lho + 1), (lho - 5000) + "-" + (lho + 100), tailStart + "-",
                (length - 10) + "-" + (length + 10), (length - 100) + "-")) {
            assertSlice(path, spec, tail, tailStart, length, etag);
        }
        assert416(path, length + "-", length);
        assert416(path, (length + 1) + "-" + (length + 5), length);

        // commons-compress reads the whole structure through range requests only.
        HttpRangeChannel channel = new HttpRangeChannel(URI.create(base + path.substring(1)), length, etag);
        try (ZipFile reader = ZipFile.builder().setSeekableByteChannel(channel).get()) {
            List<ZipArchiveEntry> entries = Collections.list(reader.getEntriesInPhysicalOrder());
            assertEquals(2, entries.size());
            assertEquals(ShapeFixtures.SPARSE_VIDEO_SIZE, entries.get(0).getSize());
            assertEquals(ShapeFixtures.sparseVideoCrc(), entries.get(0).getCrc());
            assertEquals(lho, entries.get(1).getLocalHeaderOffset());
            try (InputStream in = reader.getInputStream(entries.get(1))) {
                assertArrayEquals(afterBytes, in.readAllBytes());
            }
        }
        assertTrue(channel.requests() < 20, channel.requests() + " range requests");
    }

    // ---------------------------------------------------------------------------------------------------------

    private record Shape(String path, byte[] body, String etag, ZipTail tail) {
    }

    /** The whole archive, checked: exact length, unpacks to the folder, and a well-formed tail. */
    private static Shape downloadWhole(String hash) throws IOException {
        String path = "/archive/" + hash + "/";
        Response response = given().get(path).then().statusCode(200).extract().response();
        byte[] body = response.asByteArray();
        assertEquals(Long.parseLong(response.header("Content-Length")), body.length);
        Path folder = ShapeFixtures.ROOT.resolve(hash);
        if (!hash.equals(ShapeFixtures.MANY)) {
            ArchiveResourceTest.assertSameEntries(ArchiveResourceTest.folderContents(folder),
                    ArchiveResourceTest.readStreaming(body));
        }
        return new Shape(path, body, response.header("ETag"), ZipTail.parse(body, 0));
    }

    /**
     * Ranges at every boundary of every record: one byte either side of each local header, each header with its
     * data exactly, each central record exactly and straddled, the end record, and the suffix forms.
     */
    private static void assertEveryBoundary(Shape shape) {
        ZipTail tail = shape.tail;
        long length = tail.length();
        Set<String> specs = new LinkedHashSet<>();
        List<Long> starts = new ArrayList<>();
        tail.entries().forEach(e -> starts.add(e.localHeaderOffset()));
        starts.add(tail.centralDirectoryOffset());
        for (int i = 0; i + 1 < starts.size(); i++) {
            long at = starts.get(i);
            specs.add(at + "-" + at);
            specs.add(at + "-" + (starts.get(i + 1) - 1));
            if (at > 0) {
                specs.add((at - 1) + "-" + (at + 1));
            }
        }
        for (ZipTail.Entry record : tail.entries()) {
            long at = record.recordOffset();
            specs.add(at + "-" + (at + record.recordLength() - 1));
            specs.add((at - 1) + "-" + (at + 1));
        }
        specs.add((tail.endOffset() - 1) + "-" + tail.endOffset());
        specs.add(tail.endOffset() + "-");
        specs.add("-1");
        specs.add("-22");
        specs.add("-" + (length - 1));
        specs.add("-" + (length + 1));
        specs.add("0-");
        specs.add("1-");
        specs.add((length - 1) + "-" + (length + 100));
        for (String spec : specs) {
            assertSlice(shape.path, spec, shape.body, 0, length, shape.etag);
        }
        assert416(shape.path, length + "-", length);
    }

    /**
     * Requests {@code bytes=spec} and checks the 206 against {@code reference}, which holds the archive's bytes
     * from {@code referenceStart}.
     */
    static void assertSlice(String path, String spec, byte[] reference, long referenceStart, long length,
            String etag) {
        long start;
        long end; // exclusive
        if (spec.startsWith("-")) {
            start = Math.max(0, length - Long.parseLong(spec.substring(1)));
            end = length;
        } else {
            String[] parts = spec.split("-", -1);
            start = Long.parseLong(parts[0]);
            end = parts[1].isEmpty() ? length : Math.min(length, Long.parseLong(parts[1]) + 1);
        }
        assertTrue(start >= referenceStart, spec + " starts before the reference bytes");
        Response response = given().header("Range", "bytes=" + spec).get(path).then()
                .statusCode(206)
                .header("Content-Range", "bytes " + start + "-" + (end - 1) + "/" + length)
                .header("Content-Length", String.valueOf(end - start))
                .header("ETag", etag)
                .extract().response();
        byte[] expected = Arrays.copyOfRange(reference, (int) (start - referenceStart),
                (int) (end - referenceStart));
        byte[] actual = response.asByteArray();
        if (!Arrays.equals(expected, actual)) {
            throw new AssertionError("bytes=" + spec + " of " + path + " differs from the slice [" + start + ", "
                    + end + ") of the whole archive");
        }
    }

    static void assert416(String path, String spec, long length) {
        given().header("Range", "bytes=" + spec).get(path).then()
                .statusCode(416)
                .header("Content-Range", "bytes */" + length);
    }
}
