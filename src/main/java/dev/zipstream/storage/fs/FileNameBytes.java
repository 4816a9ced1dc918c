package dev.zipstream.storage.fs;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The bytes of a file's name exactly as the file system stores them. On Linux a name is any bytes but
 * {@code /} and NUL; the JDK keeps those bytes in the {@code Path} it lists (so the file still opens), but
 * {@link Path#toString()} decodes them with {@code sun.jnu.encoding} and puts U+FFFD (or {@code ?} under a
 * non-UTF-8 locale) for what does not decode: two different names can print the same.
 *
 * <p>{@link Path#toUri()} is the public way to the stored bytes: on Unix it percent-encodes the path's own bytes,
 * one {@code %XX} per byte outside the URI path characters, whatever the locale. It costs a {@code stat} (to add
 * a trailing slash for folders), so it is used only when the decoded name may be lossy.
 */
final class FileNameBytes {

    private static final boolean LOSSLESS_NAMES = "UTF-8".equalsIgnoreCase(System.getProperty("sun.jnu.encoding"));

    private FileNameBytes() {
    }

    /** The stored bytes of {@code path}'s last segment; {@code decoded} is {@code path.getFileName().toString()}. */
    static byte[] of(Path path, String decoded) {
        if (LOSSLESS_NAMES && decoded.indexOf('\uFFFD') < 0) {
            // Decoding valid UTF-8 is one-to-one, so this gives the stored bytes back.
            return decoded.getBytes(StandardCharsets.UTF_8);
        }
        String uriPath = path.toAbsolutePath().toUri().getRawPath();
        int end = uriPath.endsWith("/") ? uriPath.length() - 1 : uriPath.length();
        return percentDecode(uriPath, uriPath.lastIndexOf('/', end - 1) + 1, end);
    }

    private static byte[] percentDecode(String text, int from, int to) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(to - from);
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c == '%') {
                out.write(Integer.parseInt(text, i + 1, i + 3, 16));
                i += 2;
            } else {
                out.write(c);
            }
        }
        return out.toByteArray();
    }
}
