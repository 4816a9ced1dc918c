package dev.zipstream.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A person's download: Debian's headless Chromium, driven by playwright-core ({@code src/test/browser/download.mjs}),
 * opens the index page, clicks the sample archive link and saves the download. The file is {@code 7kna.zip}, holds
 * exactly the files of {@code test_photos/7kna}, and Chromium knew its total size while it was still downloading
 * (CDP {@code Browser.downloadProgress}: the progress bar and time left). The index page's screenshot is left in
 * {@code target/browser/index.png}.
 * <p>
 * Needs node and npm (Debian package nodejs) and {@code /usr/bin/chromium} (Debian package chromium); .ci/run
 * installs them. playwright-core comes from the npm registry ({@code npm ci}, pinned in package-lock.json); it never
 * downloads a browser of its own.
 */
class BrowserDownloadIT {

    static final Path SAMPLES = Path.of("test_photos").toAbsolutePath();
    static final Path BROWSER_DIR = Path.of("src/test/browser").toAbsolutePath();
    static final Path SCREENSHOT = Path.of("target/browser/index.png").toAbsolutePath();

    @TempDir
    Path work;

    @Test
    void chromiumDownloadsTheSampleArchiveFromTheIndexPage() throws Exception {
        Path node = Tools.require("node", "nodejs");
        Path npm = Tools.require("npm", "nodejs");
        Tools.require("/usr/bin/chromium", "chromium");
        if (!Files.isDirectory(BROWSER_DIR.resolve("node_modules/playwright-core"))) {
            Tools.Result install = Tools.run(BROWSER_DIR, Duration.ofMinutes(3),
                    Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1"), npm.toString(), "ci", "--no-audit", "--no-fund");
            assertEquals(0, install.exitCode(), "npm ci in " + BROWSER_DIR + ":\n" + install.output());
        }
        Files.createDirectories(SCREENSHOT.getParent());
        Files.deleteIfExists(SCREENSHOT);
        Path downloads = Files.createDirectories(work.resolve("downloads"));

        // 0.05 s between 64 KiB chunks: about a second for the sample, so Chromium reports progress mid-way.
        try (ServiceProcess service = ServiceProcess.start(work, Map.of("FOLDER_PATH", SAMPLES.toString()),
                "--response_delay", "0.05").awaitReady()) {
            Tools.Result run = Tools.run(BROWSER_DIR, Duration.ofSeconds(60), Map.of(), node.toString(),
                    "download.mjs", service.url("/").toString(), downloads.toString(), SCREENSHOT.toString());
            assertEquals(0, run.exitCode(), "node download.mjs:\n" + run.output());
            Map<String, String> out = keyValues(run.output());
            System.out.println("BrowserDownloadIT: " + out);

            assertEquals("7kna.zip", out.get("suggestedFilename"), run.output());
            Path saved = Path.of(out.get("savedPath"));
            assertEquals("7kna.zip", saved.getFileName().toString());
            long size = Files.size(saved);
            assertFolderEqualsZip(SAMPLES.resolve("7kna"), saved);

            // The browser knew the total before the download completed (a progress bar with the total).
            assertEquals(size, Long.parseLong(out.get("totalBytesWhileInProgress")),
                    "totalBytes of an in-progress Browser.downloadProgress event: " + out);
            long receivedWhenKnown = Long.parseLong(out.get("receivedBytesWhenTotalKnown"));
            assertTrue(receivedWhenKnown >= 0 && receivedWhenKnown < size,
                    "the total was known after " + receivedWhenKnown + " of " + size + " bytes");
            HttpResponse<Void> head = Tools.head(Tools.http(), service.url("/archive/7kna/"));
            assertEquals(String.valueOf(size), head.headers().firstValue("Content-Length").orElseThrow(),
                    "HEAD's Content-Length is the saved size");
        }

        byte[] png = Files.readAllBytes(SCREENSHOT);
        assertTrue(png.length > 1000, "screenshot " + SCREENSHOT);
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, java.util.Arrays.copyOf(png, 4), "a PNG");
    }

    /** Every regular file of {@code folder} is an entry of the ZIP with the same bytes, and there is nothing else. */
    private static void assertFolderEqualsZip(Path folder, Path zip) throws Exception {
        Map<String, Path> expected = new TreeMap<>();
        try (Stream<Path> files = Files.walk(folder)) {
            files.filter(Files::isRegularFile)
                    .forEach(f -> expected.put(folder.relativize(f).toString().replace('\\', '/'), f));
        }
        assertTrue(!expected.isEmpty(), "files in " + folder);
        Map<String, byte[]> entries = new TreeMap<>();
        try (ZipFile file = new ZipFile(zip.toFile())) {
            for (Enumeration<? extends ZipEntry> e = file.entries(); e.hasMoreElements();) {
                ZipEntry entry = e.nextElement();
                if (!entry.isDirectory()) {
                    try (InputStream in = file.getInputStream(entry)) {
                        entries.put(entry.getName(), in.readAllBytes());
                    }
                }
            }
        }
        assertEquals(expected.keySet(), entries.keySet(), "entries of " + zip);
        for (Map.Entry<String, Path> f : expected.entrySet()) {
            assertArrayEquals(Files.readAllBytes(f.getValue()), entries.get(f.getKey()), f.getKey());
        }
    }

    private static Map<String, String> keyValues(String output) {
        Map<String, String> values = new HashMap<>();
        for (String line : output.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0 && line.substring(0, eq).matches("[A-Za-z]+")) {
                values.put(line.substring(0, eq), line.substring(eq + 1).strip());
            }
        }
        for (String key : new String[] {"suggestedFilename", "savedPath", "totalBytesWhileInProgress",
                "receivedBytesWhenTotalKnown"}) {
            assertTrue(values.containsKey(key), key + " in the output of download.mjs:\n" + output);
        }
        return values;
    }
}
