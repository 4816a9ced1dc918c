package dev.zipstream.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.zipstream.HostileNames;
import dev.zipstream.NameRules;

/**
 * A folder of hostile names, served by the packaged service and checked with the real extractors: every file that
 * is not hidden is in the archive under a name that follows the naming rules, {@code unzip -l} and {@code 7z l}
 * print no escape or other control character, and Python's {@code zipfile.extractall} writes nothing outside its
 * target folder (nor does {@code unzip} or 7-Zip).
 */
class HostileNamesIT {

    static final String EXTRACT = """
            import os, sys, zipfile
            zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])
            """;

    @TempDir
    Path work;

    @Test
    void hostileNamesAreSafeForEveryExtractor() throws Exception {
        Tools.require("unzip", "unzip");
        Tools.require("7z", "p7zip-full");
        Tools.require("python3", "python3");
        Path root = Files.createDirectories(work.resolve("root"));
        Map<String, byte[]> files = HostileNames.make(root.resolve("upload"));
        Path zip = work.resolve("upload.zip");
        try (ServiceProcess service = ServiceProcess.start(work, Map.of("FOLDER_PATH", root.toString(),
                "DEBUG_MODE", "true")).awaitReady()) {
            HttpResponse<byte[]> response = Tools.get(Tools.http(), service.url("/archive/upload/"));
            assertEquals(200, response.statusCode());
            Files.write(zip, response.body());
            long mapped = service.output().lines().filter(line -> line.contains("Entry name ")).count();
            assertEquals(16, mapped, "one debug line per name the rules changed:\n" + service.output());
        }

        String checked = Tools.exec(work, Duration.ofSeconds(30), "python3", "-c", NameRules.PYTHON_CHECK,
                zip.toString());
        assertTrue(checked.contains("\"bad\": []"), checked);
        assertTrue(checked.contains("\"unique\": true"), checked);
        assertTrue(checked.contains("\"intact\": true"), checked);
        int entries = files.size() + 1; // and the folder entry of dir%5Cwith%1Bslash/
        assertTrue(checked.contains("\"count\": " + entries + ","), "every file that is not hidden, and the folder: "
                + checked);
        assertFalse(checked.contains("hidden"), "the hidden file is left out: " + checked);

        for (List<String> listing : List.of(List.of("unzip", "-l", zip.toString()),
                List.of("7z", "l", zip.toString()))) {
            String out = Tools.exec(work, Duration.ofSeconds(30), listing.toArray(String[]::new));
            assertTrue(out.contains("photo%E2%80%AEgpj.exe") && out.contains("ctl%01%1B[31mred.txt"), out);
            assertEquals(-1, out.indexOf('\u001b'), listing.get(0) + " printed an ESC:\n" + out);
            assertTrue(out.chars().noneMatch(c -> c < 0x20 && c != '\n' && c != '\r' && c != '\t'),
                    listing.get(0) + " printed a control character");
        }
        Tools.exec(work, Duration.ofSeconds(30), "unzip", "-tq", zip.toString());
        Tools.exec(work, Duration.ofSeconds(30), "7z", "t", zip.toString());

        Path sandbox = Files.createDirectories(work.resolve("sandbox"));
        for (List<String> extract : List.of(List.of("python3", "-c", EXTRACT, zip.toString(), "python"),
                List.of("unzip", "-q", zip.toString(), "-d", "unzip"), List.of("7z", "x", "-ounzip7", zip.toString()))) {
            Tools.exec(sandbox, Duration.ofSeconds(30), extract.toArray(String[]::new));
        }
        try (Stream<Path> top = Files.list(sandbox)) {
            assertEquals(List.of("python", "unzip", "unzip7"), top.map(p -> p.getFileName().toString()).sorted()
                    .toList(), "nothing written beside the targets");
        }
        for (String target : List.of("python", "unzip", "unzip7")) {
            try (Stream<Path> written = Files.walk(sandbox.resolve(target))) {
                long regular = written.filter(Files::isRegularFile).count();
                assertEquals(files.size(), regular, target + ": every file, inside the target");
            }
        }
        assertEquals(new String(files.get("C:%5Ctemp%5Ca.txt"), StandardCharsets.UTF_8),
                Files.readString(sandbox.resolve("python/C%3A%5Ctemp%5Ca.txt")), "the content under the safe name");
        assertTrue(Files.exists(sandbox.resolve("python/dir%5Cwith%1Bslash/inner.txt")));
    }
}
