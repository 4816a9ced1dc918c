package dev.zipstream.storage;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.jboss.logging.Logger;

import dev.zipstream.observability.LogText;

/**
 * The one place where a stored file's relative path becomes its entry name in the archive, whatever the storage
 * (a folder on disk gives each segment as the bytes of its file name; an object store gives key segments as
 * strings). Whoever uploads chooses the names, so the name must be safe for every extractor (APPNOTE 4.4.17):
 *
 * <ul>
 * <li>segments are joined with {@code /} only, and none is empty, {@code .} or {@code ..} (so no leading slash
 * and no way up): a segment made only of dots and spaces is escaped whole, since Windows drops trailing dots and
 * spaces ({@code ".. "} would become {@code ..}, {@code " "} nothing); an empty one (an object key's
 * {@code a//b}) becomes {@code _};
 * <li>a segment starting with a drive letter ({@code C:}) has the colon escaped;
 * <li>a backslash, a slash inside a segment, a control character (U+0000–U+001F, U+007F–U+009F), a line or
 * paragraph separator (U+2028, U+2029), a bidirectional mark, override or isolate (U+061C, U+200E, U+200F,
 * U+202A–U+202E, U+2066–U+2069) and U+FFFD itself are written as the {@code %XX} escapes of their UTF-8 bytes:
 * visible, and nothing a terminal or a Windows extractor acts on;
 * <li>bytes that are not UTF-8 are written as {@code %XX}, one escape per byte (never U+FFFD, which would make
 * different names equal): an entry name never holds U+FFFD;
 * <li>the result is in Unicode NFC, so names typed on macOS (NFD) and Windows (NFC) look and compare the same
 * (a combining mark right after an escape is escaped as well, or it would combine with the escape's last
 * letter).
 * </ul>
 *
 * A literal {@code %} is kept as it is. One instance names one archive: a name already given (compared without
 * case, since Windows and macOS extract {@code A.jpg} and {@code a.jpg} to one file, and a file {@code x} with a
 * folder {@code x/} cannot both be extracted) makes the later entry {@code name (2).jpg}, {@code name (3).jpg},
 * ... with its extension kept; the first free number wins, so the same listing always gives the same names. A
 * folder's new name carries over to everything inside it. Not thread-safe.
 */
public final class EntryNames {

    private static final Logger LOG = Logger.getLogger(EntryNames.class);
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    /** Raw parent paths (segments joined by NUL, which no segment holds) to the name given to that folder. */
    private final Map<String, String> folders = new HashMap<>();
    /**
     * The names taken in each folder, both without case, by the folder's name. Folding a path segment by segment
     * gives what folding it whole does (the JDK folds a final sigma by word, and {@code /} ends a word), so this
     * is one set of whole paths, split where siblings are: smaller sets, and shorter strings to hash.
     */
    private final Map<String, Set<String>> takenByFolder = new HashMap<>();
    private String lastFolder;
    private Set<String> lastFolderTaken;
    /**
     * The parent last named and its name. A walk names siblings one after another, passing the same segment
     * arrays for their parent each time; building and looking up the parent's key per entry was about a quarter
     * of naming's samples in a profile of 65,536 files. Null whenever a folder is named, since that may change what
     * a parent's name is.
     */
    private byte[][] lastParent;
    private String lastParentName;

    /**
     * Why an object key's path below its folder (a directory's without its trailing {@code /}) is left out of the
     * archive altogether, or empty if it may go in (mapped by {@link #nameOfStrings}). A volume's names cannot
     * be like this; an object store's keys are arbitrary strings, and a key with a {@code .}, {@code ..} or empty
     * segment, a backslash or a control character is what a zip-slip upload looks like, so it is not served under
     * any name.
     */
    public static Optional<String> unsafeReason(String path) {
        if (path.isEmpty()) {
            return Optional.of("empty name");
        }
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == '\\') {
                return Optional.of("backslash in the name");
            }
            if (Character.isISOControl(c)) {
                return Optional.of("control character in the name");
            }
        }
        for (String segment : path.split("/", -1)) {
            if (segment.isEmpty()) {
                return Optional.of("empty path segment (leading, trailing or doubled '/')");
            }
            if (segment.equals(".") || segment.equals("..")) {
                return Optional.of("'" + segment + "' path segment");
            }
        }
        return Optional.empty();
    }

    /** Whether a stored name is left out of archives: hidden files and folders, whose names start with a dot. */
    public static boolean isHidden(byte[] segment) {
        return segment.length > 0 && segment[0] == '.';
    }

    public static boolean isHidden(String segment) {
        return segment.startsWith(".");
    }

    /**
     * The entry name of a file ({@code directory == false}) or folder (then ending with {@code /}) given by the
     * raw segments of its path relative to the archived folder, made unique in this archive. A folder must be
     * named before what is inside it for its suffix, if any, to carry over.
     */
    public String name(List<byte[]> segments, boolean directory) {
        if (segments.isEmpty()) {
            throw new IllegalArgumentException("an entry needs at least one path segment");
        }
        List<byte[]> parent = segments.subList(0, segments.size() - 1);
        byte[] last = segments.get(segments.size() - 1);
        String mapped = segment(last);
        String name = unique(rememberedParentName(parent), mapped, directory);
        if (directory) {
            folders.put(key(segments), name);
            lastParent = null;
        }
        if (LOG.isDebugEnabled() && !name.equals(plain(segments, directory))) {
            LOG.debugf("Entry name %s for stored name %s", LogText.of(name), LogText.of(plain(segments, directory)));
        }
        return name;
    }

    /** {@link #name(List, boolean)} for storages whose paths are strings (object keys split at {@code /}). */
    public String nameOfStrings(List<String> segments, boolean directory) {
        List<byte[]> raw = new ArrayList<>(segments.size());
        for (String segment : segments) {
            raw.add(segment.getBytes(StandardCharsets.UTF_8));
        }
        return name(raw, directory);
    }

    /** The safe form of one path segment, before any suffix for uniqueness. Pure. */
    public static String segment(byte[] raw) {
        if (raw.length == 0) {
            return "_";
        }
        if (plainAscii(raw)) {
            return new String(raw, StandardCharsets.ISO_8859_1); // what the rules make of it, found faster
        }
        return segmentByRules(raw);
    }

    /** {@link #segment(byte[])} of a non-empty segment, code point by code point. */
    static String segmentByRules(byte[] raw) {
        String text = Normalizer.normalize(decodeEscapingInvalid(raw), Normalizer.Form.NFC);
        StringBuilder out = new StringBuilder(text.length() + 8);
        boolean onlyDotsAndSpaces = text.chars().allMatch(c -> c == '.' || c == ' ');
        boolean afterEscape = false;
        for (int i = 0; i < text.length();) {
            int c = text.codePointAt(i);
            boolean driveColon = i == 1 && c == ':' && isAsciiLetter(text.charAt(0));
            // A combining mark right after an escape would combine with the escape's last letter ("%3A" and
            // U+0300 are "%3À" in NFC): it is escaped too, so the name stays NFC and the escape stays readable.
            boolean markOnEscape = afterEscape && isCombiningMark(c);
            if (mustEscape(c) || driveColon || onlyDotsAndSpaces || markOnEscape) {
                escapeUtf8(c, out);
                afterEscape = true;
            } else {
                out.appendCodePoint(c);
                afterEscape = false;
            }
            i += Character.charCount(c);
        }
        return out.toString();
    }

    public static String segment(String raw) {
        return segment(raw.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Printable ASCII that no rule escapes (most photo names): no control character, separator or backslash, not
     * dots and spaces alone, no drive letter. ASCII is its own NFC form. Planning 65,536 files calls this for
     * every name, and decoding them as UTF-8 cost half of what planning allocated.
     */
    private static boolean plainAscii(byte[] raw) {
        boolean onlyDotsAndSpaces = true;
        for (byte b : raw) {
            if (b < 0x20 || b == 0x7F || b == '\\' || b == '/') { // a negative byte is not ASCII
                return false;
            }
            onlyDotsAndSpaces &= b == '.' || b == ' ';
        }
        boolean driveColon = raw.length > 1 && raw[1] == ':' && isAsciiLetter((char) raw[0]);
        return !onlyDotsAndSpaces && !driveColon;
    }

    /** Whether a code point is never written as it is (the rules in the class comment). */
    static boolean mustEscape(int c) {
        return c == '\\' || c == '/' || c <= 0x1F || (c >= 0x7F && c <= 0x9F) || c == 0x2028 || c == 0x2029
                || c == 0x061C || c == 0x200E || c == 0x200F || (c >= 0x202A && c <= 0x202E)
                || (c >= 0x2066 && c <= 0x2069) || c == 0xFFFD;
    }

    private String rememberedParentName(List<byte[]> parent) {
        if (!sameArrays(parent, lastParent)) {
            lastParentName = parentName(parent);
            lastParent = parent.toArray(new byte[0][]);
        }
        return lastParentName;
    }

    /** The very same arrays (segments are never changed once given): identity is enough, and costs no hashing. */
    private static boolean sameArrays(List<byte[]> segments, byte[][] remembered) {
        if (remembered == null || segments.size() != remembered.length) {
            return false;
        }
        for (int i = 0; i < remembered.length; i++) {
            if (segments.get(i) != remembered[i]) {
                return false;
            }
        }
        return true;
    }

    private String parentName(List<byte[]> parent) {
        if (parent.isEmpty()) {
            return "";
        }
        String given = folders.get(key(parent));
        if (given != null) {
            return given;
        }
        // A folder never named itself (object stores have no folder entries): its segments mapped as they are.
        return parentName(parent.subList(0, parent.size() - 1)) + segment(parent.get(parent.size() - 1)) + "/";
    }

    private String unique(String parent, String mapped, boolean directory) {
        String slash = directory ? "/" : "";
        Set<String> taken = takenIn(parent);
        if (taken.add(fold(mapped))) {
            return parent + mapped + slash;
        }
        int dot = directory ? -1 : mapped.lastIndexOf('.');
        String stem = dot > 0 ? mapped.substring(0, dot) : mapped;
        String extension = dot > 0 ? mapped.substring(dot) : "";
        for (int n = 2;; n++) {
            String candidate = stem + " (" + n + ")" + extension;
            if (taken.add(fold(candidate))) {
                return parent + candidate + slash;
            }
        }
    }

    /** The names taken in the folder of this name; siblings come one after another, with the same name string. */
    private Set<String> takenIn(String folder) {
        if (folder != lastFolder) {
            lastFolderTaken = takenByFolder.computeIfAbsent(fold(folder), any -> new HashSet<>());
            lastFolder = folder;
        }
        return lastFolderTaken;
    }

    private static String fold(String name) {
        return name.toLowerCase(Locale.ROOT);
    }

    private static String key(List<byte[]> segments) {
        StringBuilder key = new StringBuilder();
        for (byte[] segment : segments) {
            key.append(new String(segment, StandardCharsets.ISO_8859_1)).append('\0');
        }
        return key.toString();
    }

    /** The path as stored, for the debug line only (lossy where the bytes are not UTF-8). */
    private static String plain(List<byte[]> segments, boolean directory) {
        StringBuilder out = new StringBuilder();
        for (byte[] segment : segments) {
            out.append(out.length() == 0 ? "" : "/").append(new String(segment, StandardCharsets.UTF_8));
        }
        return directory ? out + "/" : out.toString();
    }

    /** Decodes UTF-8, writing each byte of a malformed sequence as {@code %XX} instead of U+FFFD. */
    private static String decodeEscapingInvalid(byte[] raw) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(raw);
        CharBuffer chunk = CharBuffer.allocate(raw.length);
        StringBuilder out = new StringBuilder(raw.length);
        while (true) {
            CoderResult result = decoder.decode(in, chunk, true);
            chunk.flip();
            out.append(chunk);
            chunk.clear();
            if (result.isError()) {
                for (int i = 0; i < result.length(); i++) {
                    escapeByte(in.get(), out);
                }
            } else if (result.isUnderflow()) {
                break;
            }
        }
        return out.toString();
    }

    private static void escapeUtf8(int codePoint, StringBuilder out) {
        for (byte b : Character.toString(codePoint).getBytes(StandardCharsets.UTF_8)) {
            escapeByte(b, out);
        }
    }

    private static void escapeByte(byte b, StringBuilder out) {
        out.append('%').append(HEX[(b >> 4) & 0xF]).append(HEX[b & 0xF]);
    }

    private static boolean isCombiningMark(int c) {
        int type = Character.getType(c);
        return type == Character.NON_SPACING_MARK || type == Character.ENCLOSING_MARK
                || type == Character.COMBINING_SPACING_MARK;
    }

    private static boolean isAsciiLetter(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
    }
}
