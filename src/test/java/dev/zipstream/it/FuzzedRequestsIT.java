package dev.zipstream.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import dev.zipstream.Fixtures;
import dev.zipstream.PropertySearch;

/**
 * Property tests against the packaged service: random {@code Range}, {@code If-Range}, {@code If-None-Match} and
 * {@code If-Modified-Since} values against random folder shapes (never a 5xx or a stack trace, every 206 is the
 * matching slice of the whole archive), and random request paths under {@code /archive/} (200 only for the real
 * folders, the 404 page for everything else, never a byte from outside the root). Throttling is off here
 * ({@code NOT_FOUND_LIMIT=0}): the paths are many misses from one client on purpose.
 */
@AddLifecycleHook(PropertySearch.class)
class FuzzedRequestsIT {

    static final List<String> REAL = List.of("alpha", "b-2", "C_3", "x");
    static final String SECRET = "TOP-SECRET-outside-the-root-4f1c";
    static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d+)-(\\d+)/(\\d+)");
    /** A request-target as RFC 3986 spells it: path characters, valid %XX escapes, a query. */
    static final Pattern VALID_TARGET = Pattern.compile("(?:[A-Za-z0-9._~!$&'()*+,;=:@/-]|%[0-9A-Fa-f]{2})*"
            + "(?:\\?(?:[A-Za-z0-9._~!$&'()*+,;=:@/?-]|%[0-9A-Fa-f]{2})*)?");
    static final Pattern BAD_TEXT = Pattern.compile("Exception|\\tat |java\\.|dev\\.zipstream|/tmp/|/work/");

    static Path work;
    static Path root;
    static ServiceProcess service;
    static RawHttp.Response notFoundPage;
    static RawHttp.Response indexPage;
    static final Map<String, byte[]> archives = new ConcurrentHashMap<>();
    static final AtomicInteger shapes = new AtomicInteger();

    @BeforeContainer
    static void start() throws Exception {
        work = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "fuzz");
        root = Files.createDirectories(work.resolve("root"));
        Path outside = Files.createDirectories(work.resolve("outside"));
        Files.writeString(outside.resolve("secret.txt"), SECRET);
        for (int i = 0; i < REAL.size(); i++) {
            Fixtures.write(root.resolve(REAL.get(i)).resolve("photo" + i + ".jpg"), 1000 + 7919 * i, i);
        }
        Files.createSymbolicLink(root.resolve("outside"), outside);
        Files.createDirectories(root.resolve("leaky"));
        Files.createSymbolicLink(root.resolve("leaky/secret.txt"), outside.resolve("secret.txt"));
        Fixtures.write(root.resolve(".hidden/a.jpg"), 100, 9);
        Files.writeString(root.resolve("plainfile"), SECRET);
        service = ServiceProcess.start(work, Map.of("FOLDER_PATH", root.toString(), "NOT_FOUND_LIMIT", "0"))
                .awaitReady();
        notFoundPage = RawHttp.send(service.port, "GET", "/archive/no-such-folder/", List.of());
        assertEquals(404, notFoundPage.status());
        indexPage = RawHttp.send(service.port, "GET", "/", List.of());
        assertEquals(200, indexPage.status());
        for (String name : REAL) {
            RawHttp.Response whole = RawHttp.send(service.port, "GET", "/archive/" + name + "/", List.of());
            assertEquals(200, whole.status());
            archives.put(name, whole.body());
        }
    }

    @AfterContainer
    static void stop() throws Exception {
        if (service != null) {
            String log = service.output();
            service.close();
            assertFalse(log.contains("\tat "), "no stack trace in the service's log:\n" + log);
        }
        if (work != null) {
            Fixtures.deleteTree(work);
        }
    }

    // ---------------------------------------------------------------- ranges and validators

    /** A folder: a few files (empty to 200 KiB), some in a sub-folder, maybe an empty folder. */
    record Shape(List<Integer> sizes, int nested, boolean emptyFolder) {
    }

    @Provide
    Arbitrary<Shape> shapes() {
        Arbitrary<Integer> size = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(2, Arbitraries.just(0)),
                net.jqwik.api.Tuple.of(5, Arbitraries.integers().between(1, 5000)),
                net.jqwik.api.Tuple.of(3, Arbitraries.integers().between(5000, 200_000)));
        return Combinators.combine(size.list().ofMinSize(0).ofMaxSize(6), Arbitraries.integers().between(0, 3),
                Arbitraries.of(true, false)).as(Shape::new);
    }

    /** A header value as a template: {@code {etag}}, {@code {lm}} and {@code {len}}-relative numbers filled in. */
    @Provide
    Arbitrary<List<String[]>> validatorHeaders() {
        Arbitrary<String> position = Arbitraries.oneOf(Arbitraries.integers().between(0, 3).map(String::valueOf),
                Arbitraries.of("{len-1}", "{len}", "{len+1}", "{half}", "{third}", "99999999999999999999", "-1",
                        " 5", "0x10", "1e3", ""));
        Arbitrary<String> range = Arbitraries.oneOf(
                Combinators.combine(position, position).as((a, b) -> "bytes=" + a + "-" + b),
                position.map(a -> "bytes=" + a + "-"),
                position.map(n -> "bytes=-" + n),
                Combinators.combine(position, position).as((a, b) -> "bytes=" + a + "-" + b + ",{half}-"),
                Arbitraries.of("bytes=", "bytes=-", "bytes=--1", "items=0-1", "bytes = 0-1", "BYTES=0-1",
                        "bytes=0-1,", ",", "bytes=\u00e9-1", "bytes=1-0"),
                Arbitraries.strings().ofMaxLength(20).map(FuzzedRequestsIT::printable));
        Arbitrary<String> entityTag = Arbitraries.of("{etag}", "W/{etag}", "\"stale\"", "*", "{etag}, \"other\"",
                "\"\"", "\"unterminated", "W/", "{etag}x");
        Arbitrary<String> date = Arbitraries.of("{lm}", "{lm-1}", "{lm+1}", "Thu, 01 Jan 1970 00:00:00 GMT",
                "Sun, 06 Nov 1994 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994",
                "Fri, 31 Dec 9999 23:59:59 GMT", "not a date", "", "Thu, 32 Jan 2026 00:00:00 GMT");
        Arbitrary<String[]> header = Arbitraries.oneOf(
                range.map(v -> new String[] {"Range", v}),
                Arbitraries.oneOf(entityTag, date).map(v -> new String[] {"If-Range", v}),
                Arbitraries.oneOf(entityTag, Arbitraries.strings().ofMaxLength(12).map(FuzzedRequestsIT::printable))
                        .map(v -> new String[] {"If-None-Match", v}),
                date.map(v -> new String[] {"If-Modified-Since", v}));
        return header.list().ofMinSize(1).ofMaxSize(4);
    }

    @Property(tries = 60)
    void rangesAndValidatorsNeverBreakTheArchive(@ForAll("shapes") Shape shape,
            @ForAll("validatorHeaders") List<String[]> headers) throws Exception {
        String hash = "shape" + shapes.incrementAndGet();
        Path folder = root.resolve(hash);
        for (int i = 0; i < shape.sizes().size(); i++) {
            Path dir = i < shape.nested() ? folder.resolve("sub") : folder;
            Fixtures.write(dir.resolve("f" + i + ".bin"), shape.sizes().get(i), i);
        }
        Files.createDirectories(shape.emptyFolder() ? folder.resolve("empty") : folder);
        String path = "/archive/" + hash + "/";
        RawHttp.Response whole = RawHttp.send(service.port, "GET", path, List.of());
        assertEquals(200, whole.status());
        byte[] zip = whole.body();
        String etag = whole.header("etag");
        String lastModified = whole.header("last-modified");

        List<String[]> filled = new ArrayList<>();
        for (String[] header : headers) {
            filled.add(new String[] {header[0], fill(header[1], zip.length, etag, lastModified)});
        }
        RawHttp.Response answer = RawHttp.send(service.port, "GET", path, filled);
        String what = describe(filled) + " -> " + answer.status() + " " + answer.headers();
        assertTrue(Set.of(200, 206, 304, 416).contains(answer.status()), what);
        assertFalse(BAD_TEXT.matcher(new String(answer.body(), StandardCharsets.ISO_8859_1)).find()
                && answer.status() != 200 && answer.status() != 206, "no stack trace or path: " + what);
        switch (answer.status()) {
            case 200 -> assertArrayEquals(zip, answer.body(), "a 200 is the whole archive: " + what);
            case 206 -> {
                Matcher range = CONTENT_RANGE.matcher(String.valueOf(answer.header("content-range")));
                assertTrue(range.matches(), what);
                int first = Integer.parseInt(range.group(1));
                int last = Integer.parseInt(range.group(2));
                assertEquals(zip.length, Long.parseLong(range.group(3)), what);
                assertTrue(first <= last && last < zip.length, what);
                assertArrayEquals(Arrays.copyOfRange(zip, first, last + 1), answer.body(),
                        "a 206 is the slice it names: " + what);
            }
            case 304 -> assertEquals(0, answer.body().length, what);
            default -> assertEquals("bytes */" + zip.length, answer.header("content-range"), what);
        }
        if (answer.header("content-length") != null) {
            assertEquals(Long.parseLong(answer.header("content-length")), answer.body().length, what);
        }
    }

    // ---------------------------------------------------------------- paths

    @Provide
    Arbitrary<String> archivePaths() {
        Arbitrary<String> piece = Arbitraries.oneOf(
                Arbitraries.of(REAL.toArray(String[]::new)),
                Arbitraries.of("outside", "leaky", ".hidden", "plainfile", "secret.txt", "..", ".", "/", "//", "%2e",
                        "%2E%2e", "%2f", "%2F", "%5c", "\\", "%00", "%", "%zz", "%u002e", "?", "?x=1", "#", ";",
                        "%3b", "~", "*", "%20", "+", "\u00e9", "%C3%A9", "%FF", "\u202e", "..%2f", "%252e%252e",
                        "../../..", "etc", "passwd", "q", "metrics", "A".repeat(129)),
                Arbitraries.strings().withCharRange('a', 'z').withChars("-_.").ofMinLength(1).ofMaxLength(10));
        return piece.list().ofMinSize(0).ofMaxSize(6).map(parts -> "/archive/" + String.join("", parts));
    }

    @Property(tries = 250)
    void randomPathsFindOnlyTheRealFolders(@ForAll("archivePaths") String path) throws Exception {
        for (String method : List.of("GET", "HEAD")) {
            RawHttp.Response answer = RawHttp.send(service.port, method, path, List.of());
            String what = method + " " + path + " -> " + answer.status() + " " + answer.headers();
            assertFalse(new String(answer.body(), StandardCharsets.ISO_8859_1).contains(SECRET),
                    "a byte from outside the root: " + what);
            if (answer.status() == 200 && !"application/zip".equals(answer.header("content-type"))) {
                // Dot segments are removed before routing (RFC 3986 5.2.4): /archive/.. is the index page.
                assertTrue(path.toLowerCase().matches(".*(\\.|%2e)(\\.|%2e).*"), "a page for a path with no way up: "
                        + what);
                if (method.equals("GET")) {
                    assertEquals(indexPage.text(), answer.text(), "only the index page: " + what);
                }
            } else if (answer.status() == 200) {
                Matcher name = Pattern.compile("filename=\"([^\"]+)\\.zip\"")
                        .matcher(String.valueOf(answer.header("content-disposition")));
                assertTrue(name.find() && REAL.contains(name.group(1)), "200 only for a real folder: " + what);
                if (method.equals("GET")) {
                    assertArrayEquals(archives.get(name.group(1)), answer.body(), what);
                }
            } else if (answer.status() == 400) {
                // Netty refuses a request line whose target is not a URI (a raw backslash, space or non-ASCII
                // byte, a bad escape) before any handler runs; browsers never send one. Anything else is a 404.
                assertFalse(VALID_TARGET.matcher(path).matches(), "400 for a valid target: " + what);
                assertEquals(0, answer.body().length, what);
            } else {
                assertEquals(404, answer.status(), what);
                if (method.equals("GET")) {
                    assertEquals(notFoundPage.text(), answer.text(), "the one 404 page: " + what);
                }
                assertEquals(notFoundPage.header("content-type"), answer.header("content-type"), what);
            }
        }
    }

    // ---------------------------------------------------------------- helpers

    private static String fill(String template, int length, String etag, String lastModified) {
        java.time.ZonedDateTime modified = java.time.ZonedDateTime.parse(lastModified,
                java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME);
        java.time.format.DateTimeFormatter http = java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME;
        return template.replace("{etag}", etag)
                .replace("{lm-1}", http.format(modified.minusSeconds(1)))
                .replace("{lm+1}", http.format(modified.plusSeconds(1)))
                .replace("{lm}", lastModified)
                .replace("{len-1}", String.valueOf(length - 1))
                .replace("{len+1}", String.valueOf(length + 1))
                .replace("{len}", String.valueOf(length))
                .replace("{half}", String.valueOf(length / 2))
                .replace("{third}", String.valueOf(length / 3));
    }

    /** Header values are one line of visible text: CR, LF and other controls would end or break the request. */
    private static String printable(String text) {
        StringBuilder out = new StringBuilder();
        text.codePoints().filter(c -> c >= 0x20 && c != 0x7F && !(c >= 0x80 && c <= 0x9F) && c < 0xD800)
                .forEach(out::appendCodePoint);
        return out.toString();
    }

    private static String describe(List<String[]> headers) {
        StringBuilder out = new StringBuilder();
        for (String[] header : headers) {
            out.append(header[0]).append(": ").append(header[1]).append("; ");
        }
        return out.toString();
    }
}
