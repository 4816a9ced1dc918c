package dev.zipstream.crc.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The index file's bytes: a round trip, and every way a file can be unusable is refused as a whole. */
class IndexCodecTest {

    private static final FolderIndex INDEX = FolderIndex.of("7kna", List.of(
            new IndexEntry("IMG_0001.jpg", "6563398:1:2:3", 0xCAFEBABE),
            new IndexEntry("Фото/снег 1.jpg", "12:4:5:6", 7),
            new IndexEntry("日本/写真.jpg", "1:1:1:-", -1)));

    @Test
    void whatIsWrittenIsReadBack() throws Exception {
        FolderIndex back = IndexCodec.decode(IndexCodec.encode(INDEX), "7kna");
        assertEquals(INDEX, back);
        assertEquals(0xCAFEBABE, back.crcOf("IMG_0001.jpg", "6563398:1:2:3"));
        assertEquals(null, back.crcOf("IMG_0001.jpg", "6563398:1:2:4"), "another version of the file");
        assertEquals(null, back.crcOf("IMG_0002.jpg", "6563398:1:2:3"));
    }

    @Test
    void anEmptyIndexIsAValidFile() throws Exception {
        assertEquals(0, IndexCodec.decode(IndexCodec.encode(FolderIndex.empty("a")), "a").size());
    }

    @Test
    void everyTruncationIsRefused() {
        byte[] bytes = IndexCodec.encode(INDEX);
        for (int length = 0; length < bytes.length; length++) {
            byte[] cut = Arrays.copyOf(bytes, length);
            assertThrows(IndexFormatException.class, () -> IndexCodec.decode(cut, "7kna"), "cut at " + length);
        }
    }

    @Test
    void everyFlippedByteIsRefused() {
        byte[] bytes = IndexCodec.encode(INDEX);
        for (int i = 0; i < bytes.length; i++) {
            byte[] flipped = bytes.clone();
            flipped[i] ^= 0x10;
            assertThrows(IndexFormatException.class, () -> IndexCodec.decode(flipped, "7kna"), "byte " + i);
        }
    }

    @Test
    void aFileFromANewerFormatIsRefusedAndSaysSo() {
        byte[] bytes = IndexCodec.encode(INDEX);
        ByteBuffer.wrap(bytes).putShort(IndexCodec.MAGIC.length, (short) (IndexCodec.VERSION + 1));
        IndexFormatException e = assertThrows(IndexFormatException.class, () -> IndexCodec.decode(bytes, "7kna"));
        assertTrue(e.getMessage().contains("format version 2"), e.getMessage());
    }

    @Test
    void anotherFoldersFileIsRefused() {
        byte[] bytes = IndexCodec.encode(INDEX);
        assertThrows(IndexFormatException.class, () -> IndexCodec.decode(bytes, "other"));
    }

    @Test
    void garbageIsRefused() {
        assertThrows(IndexFormatException.class, () -> IndexCodec.decode(new byte[4096], "7kna"));
        assertThrows(IndexFormatException.class,
                () -> IndexCodec.decode("ZSCRCIDX but not really".getBytes(), "7kna"));
    }
}
