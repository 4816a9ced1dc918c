package dev.zipstream.crc.index;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The bytes of one index file. Big-endian:
 *
 * <pre>
 *   magic        8 bytes  "ZSCRCIDX"
 *   version      u16      {@link #VERSION}
 *   folder       u16 length + UTF-8
 *   count        u32
 *   count times: name  u16 length + UTF-8
 *                stamp u16 length + UTF-8
 *                crc32 u32
 *   checksum     u32      CRC-32C of every byte before it
 * </pre>
 *
 * A file that is cut short, has a byte flipped, names another folder or comes from a newer version of the
 * service is refused as a whole ({@link IndexFormatException}); its CRCs are then computed again, never guessed.
 */
public final class IndexCodec {

    static final byte[] MAGIC = "ZSCRCIDX".getBytes(StandardCharsets.US_ASCII);
    /** Bumped whenever the layout changes; a reader refuses a version it does not know. */
    public static final int VERSION = 1;
    /** More would be a file nobody wrote: 65,535 entries per folder are ZIP64 territory, not millions. */
    static final int MAX_ENTRIES = 4_000_000;

    private IndexCodec() {
    }

    public static byte[] encode(FolderIndex index) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + index.size() * 64);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.write(MAGIC);
            out.writeShort(VERSION);
            writeString(out, index.folder());
            out.writeInt(index.size());
            for (IndexEntry entry : index.entries().values()) {
                writeString(out, entry.name());
                writeString(out, entry.stamp());
                out.writeInt(entry.crc32());
            }
            CRC32C checksum = new CRC32C();
            checksum.update(bytes.toByteArray());
            out.writeInt((int) checksum.getValue());
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
        return bytes.toByteArray();
    }

    /**
     * The index these bytes hold, which must be {@code folder}'s.
     *
     * @throws IndexFormatException if they are not a complete, intact index of a known version for that folder
     */
    public static FolderIndex decode(byte[] bytes, String folder) throws IndexFormatException {
        if (bytes.length < MAGIC.length + 2 + 2 + 4 + 4) {
            throw new IndexFormatException("truncated (" + bytes.length + " bytes)");
        }
        ByteBuffer in = ByteBuffer.wrap(bytes);
        byte[] magic = new byte[MAGIC.length];
        in.get(magic);
        if (!java.util.Arrays.equals(magic, MAGIC)) {
            throw new IndexFormatException("not an index file (bad magic)");
        }
        int version = Short.toUnsignedInt(in.getShort());
        if (version != VERSION) {
            throw new IndexFormatException("format version " + version + ", this service reads version " + VERSION);
        }
        CRC32C checksum = new CRC32C();
        checksum.update(bytes, 0, bytes.length - 4);
        int expected = ByteBuffer.wrap(bytes, bytes.length - 4, 4).getInt();
        if ((int) checksum.getValue() != expected) {
            throw new IndexFormatException("corrupt or truncated (checksum mismatch)");
        }
        try {
            ByteBuffer body = in.limit(bytes.length - 4);
            String owner = readString(body);
            if (!owner.equals(folder)) {
                throw new IndexFormatException("holds folder '" + owner + "', not this one");
            }
            int count = body.getInt();
            if (count < 0 || count > MAX_ENTRIES) {
                throw new IndexFormatException("corrupt (" + Integer.toUnsignedString(count) + " entries)");
            }
            List<IndexEntry> entries = new ArrayList<>(Math.min(count, 65_536));
            for (int i = 0; i < count; i++) {
                entries.add(new IndexEntry(readString(body), readString(body), body.getInt()));
            }
            if (body.hasRemaining()) {
                throw new IndexFormatException("corrupt (" + body.remaining() + " bytes after the last entry)");
            }
            return FolderIndex.of(folder, entries);
        } catch (BufferUnderflowException | IllegalArgumentException e) {
            throw new IndexFormatException("corrupt (an entry runs past the end)");
        }
    }

    private static void writeString(DataOutputStream out, String value) throws IOException {
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        if (utf8.length > 0xFFFF) {
            throw new IllegalArgumentException("longer than 65535 bytes in UTF-8: " + value.length() + " chars");
        }
        out.writeShort(utf8.length);
        out.write(utf8);
    }

    private static String readString(ByteBuffer in) throws IndexFormatException {
        int length = Short.toUnsignedInt(in.getShort());
        ByteBuffer slice = in.slice().limit(length);
        in.position(in.position() + length);
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(slice).toString();
        } catch (CharacterCodingException e) {
            throw new IndexFormatException("corrupt (a name is not UTF-8)");
        }
    }
}
