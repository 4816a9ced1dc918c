package dev.zipstream.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import dev.zipstream.Fixtures;
import dev.zipstream.Plans;
import dev.zipstream.HostileNames;
import dev.zipstream.NameRules;
import dev.zipstream.PropertySearch;
import dev.zipstream.stream.ArchiveBytes;

/**
 * Random stored names, bytes that are not UTF-8 included, in random folder shapes: the archive opens in Python's
 * {@code zipfile} and 7-Zip, every name follows the rules, the names are unique, and every file that is not
 * hidden is in it. (Each try plans a real folder and runs both tools on the archive.)
 */
@AddLifecycleHook(PropertySearch.class)
class EntryNamesPropertiesTest {

    private static NameRules.Checker python;

    @BeforeContainer
    static void startPython() throws IOException {
        python = new NameRules.Checker();
    }

    @AfterContainer
    static void stopPython() {
        python.close();
    }

    /** The fast path for plain ASCII names gives exactly what the rules give, for any mix of ASCII bytes. */
    @Property(tries = 2000)
    void plainAsciiNamesMapAsTheRulesMapThem(@ForAll("asciiNames") byte[] raw) {
        assertEquals(EntryNames.segmentByRules(raw), EntryNames.segment(raw));
    }

    @Provide
    Arbitrary<byte[]> asciiNames() {
        return Arbitraries.strings().withChars("aZ09 .:\\/%-_~\u0000\u001f\u007f").ofMinLength(1).ofMaxLength(6)
                .map(s -> s.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
    }

    /**
     * Names made of letters whose case folds unusually (a final sigma, a dotted capital I, a sharp s) in a tree of
     * folders named in the order a walk names them: no two entries of the archive are equal without case, whole
     * path against whole path (what Windows compares), though the names taken are kept per folder.
     */
    @Property(tries = 500)
    void noTwoEntriesAreEqualWithoutCase(@ForAll long seed) {
        java.util.Random random = new java.util.Random(seed);
        EntryNames names = new EntryNames();
        List<String> given = new ArrayList<>();
        nameTree(random, names, new ArrayList<>(), 0, given);
        Set<String> folded = new HashSet<>();
        for (String name : given) {
            String withoutSlash = name.endsWith("/") ? name.substring(0, name.length() - 1) : name;
            assertTrue(folded.add(withoutSlash.toLowerCase(java.util.Locale.ROOT)), name + " in " + given);
        }
    }

    private static void nameTree(java.util.Random random, EntryNames names, List<byte[]> segments, int depth,
            List<String> given) {
        String[] pieces = {"a", "A", "\u03a3", "\u03c3", "\u03c2", "\u0130", "i", "\u0131", "I", "\u00df", "SS", ".jpg",
            ".JPG", " (2)"};
        int children = 1 + random.nextInt(6);
        for (int i = 0; i < children; i++) {
            StringBuilder name = new StringBuilder();
            for (int n = 1 + random.nextInt(3); n > 0; n--) {
                name.append(pieces[random.nextInt(pieces.length)]);
            }
            segments.add(name.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            boolean folder = depth < 2 && random.nextInt(3) == 0;
            given.add(names.name(segments, folder));
            if (folder) {
                nameTree(random, names, segments, depth + 1, given);
            }
            segments.remove(segments.size() - 1);
        }
    }

    /** Bytes an uploader might use: plain, separators, controls, escapes, non-UTF-8, and whole UTF-8 pieces. */
    @Provide
    Arbitrary<byte[]> storedNames() {
        Arbitrary<byte[]> piece = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, Arbitraries.strings().withChars("abcXYZ019_- ").ofLength(1).map(
                        s -> s.getBytes(java.nio.charset.StandardCharsets.UTF_8))),
                net.jqwik.api.Tuple.of(3, Arbitraries.of(".", "\\", ":", "%", "%41", "..", "C:").map(
                        s -> s.getBytes(java.nio.charset.StandardCharsets.UTF_8))),
                net.jqwik.api.Tuple.of(2, Arbitraries.bytes().between((byte) 1, (byte) 0x1F).map(b -> new byte[] {b})),
                net.jqwik.api.Tuple.of(3, Arbitraries.integers().between(0x7F, 0xFF).map(b -> new byte[] {(byte) (int) b})),
                net.jqwik.api.Tuple.of(3, Arbitraries.of("\u202E", "\u2066", "\u200F", "\u0085", "e\u0301", "\u00e9",
                        "A", "a", "\u00C5", "A\u030A", "\uFFFD", "\uD83D\uDE00", "\u2028").map(
                                s -> s.getBytes(java.nio.charset.StandardCharsets.UTF_8))));
        return piece.list().ofMinSize(1).ofMaxSize(12).map(EntryNamesPropertiesTest::concat)
                .filter(name -> name.length <= 255 && !isDotSegment(name));
    }

    /** A folder: names of files at the top, and of sub-folders each holding one or two of the same names. */
    @Provide
    Arbitrary<List<List<byte[]>>> folderShapes() {
        Arbitrary<List<byte[]>> path = storedNames().list().ofMinSize(1).ofMaxSize(2);
        return path.list().ofMinSize(1).ofMaxSize(10);
    }

    @Property(tries = 40)
    void everyExtractorOpensTheArchiveAndEveryNameFollowsTheRules(
            @ForAll("folderShapes") List<List<byte[]>> shape) throws Exception {
        Path root = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "names");
        try {
            Path folder = Files.createDirectories(root.resolve("f"));
            Set<String> visible = new HashSet<>();
            for (List<byte[]> path : shape) {
                create(folder, path, visible);
            }
            byte[] zip = ArchiveBytes.of(Plans.of(root, folder));
            Path file = root.resolve("archive.zip");
            Files.write(file, zip);

            String checked = python.check(file);
            assertTrue(checked.contains("\"bad\": []"), checked);
            assertTrue(checked.contains("\"unique\": true"), checked);
            assertTrue(checked.contains("\"intact\": true"), checked);
            assertTrue(checked.contains("\"count\": " + visible.size() + ","),
                    "every file and folder that is not hidden (" + visible.size() + "): " + checked);
            run(root, "7z", "t", file.toString());
        } finally {
            Fixtures.deleteTree(root);
        }
    }

    /** Makes the path (a folder for all but the last segment); records the visible entries it adds. */
    private static void create(Path folder, List<byte[]> path, Set<String> visible) throws IOException {
        Path at = folder;
        StringBuilder key = new StringBuilder();
        boolean hidden = false;
        for (int i = 0; i < path.size(); i++) {
            at = HostileNames.raw(at, escape(path.get(i)));
            key.append(escape(path.get(i))).append('/');
            hidden |= EntryNames.isHidden(path.get(i));
            boolean last = i == path.size() - 1;
            try {
                if (last) {
                    Files.write(at, path.get(i));
                } else {
                    Files.createDirectory(at);
                }
                if (!hidden) {
                    visible.add(key.toString());
                }
            } catch (FileSystemException exists) { // a file where a folder was, or the other way round
                if (last || !Files.isDirectory(at)) {
                    return; // a file of that name is there already: the shape has one entry fewer
                }
            }
        }
    }

    private static String run(Path dir, String... command) throws Exception {
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), String.join(" ", command));
        assertEquals(0, process.exitValue(), String.join(" ", command) + ":\n" + out);
        return out;
    }

    /** The name as a URI path segment: every byte but letters and digits as %XX. */
    private static String escape(byte[] name) {
        StringBuilder out = new StringBuilder();
        for (byte b : name) {
            int c = b & 0xFF;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
                out.append((char) c);
            } else {
                out.append('%').append(String.format("%02X", c));
            }
        }
        return out.toString();
    }

    private static boolean isDotSegment(byte[] name) {
        return (name.length == 1 && name[0] == '.') || (name.length == 2 && name[0] == '.' && name[1] == '.');
    }

    private static byte[] concat(List<byte[]> pieces) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] piece : pieces) {
            out.writeBytes(piece);
        }
        return out.toByteArray();
    }
}
