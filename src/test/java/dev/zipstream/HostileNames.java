package dev.zipstream;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A folder of names an uploader could choose to hurt whoever extracts the archive: backslashes, a drive letter,
 * a Windows traversal, control characters and an ANSI escape, a right-to-left override, bytes that are not UTF-8,
 * NFD forms, names that collide once mapped, and a hidden file. Files are made by their raw bytes (a
 * {@code file:} URI's escapes), since a Java string cannot spell a name that is not UTF-8.
 */
public final class HostileNames {

    /** Each stored name of {@link #make} (percent-escaped) and the entry name the rules give it. */
    public static final Map<String, String> ENTRY_NAMES;

    static {
        Map<String, String> names = new LinkedHashMap<>();
        names.put("C:%5Ctemp%5Ca.txt", "C%3A%5Ctemp%5Ca.txt");
        names.put("Cafe%CC%81.txt", "Caf\u00e9.txt");
        names.put("Caf%C3%A9.txt", "Caf\u00e9 (2).txt");
        names.put("Upper.JPG", "Upper.JPG");
        names.put("a%5C..%5C..%5Cx.exe", "a%5C..%5C..%5Cx.exe");
        names.put("bad%25FF.txt", "bad%FF.txt");
        names.put("bad%FE.txt", "bad%FE.txt");
        names.put("bad%FF.txt", "bad%FF (2).txt");
        names.put("ctl%01%1B%5B31mred.txt", "ctl%01%1B[31mred.txt");
        names.put("cut%C3.txt", "cut%C3.txt");
        names.put("dir%5Cwith%1Bslash/inner.txt", "dir%5Cwith%1Bslash/inner.txt");
        names.put("isolate%E2%81%A6x%E2%81%A9.txt", "isolate%E2%81%A6x%E2%81%A9.txt");
        names.put("photo%E2%80%AEgpj.exe", "photo%E2%80%AEgpj.exe");
        names.put("same%01.txt", "same%01.txt");
        names.put("same%2501.txt", "same%01 (2).txt");
        names.put("tab%09and%0Anewline%7F%C2%85.txt", "tab%09and%0Anewline%7F%C2%85.txt");
        names.put("upper.jpg", "upper (2).jpg");
        ENTRY_NAMES = java.util.Collections.unmodifiableMap(names);
    }

    private HostileNames() {
    }

    /**
     * Makes the folder and returns every file that is not hidden, its stored name's bytes (percent-escaped, as in
     * a URI) to its content. The file {@code .hidden} is made too and is not in the map.
     */
    public static Map<String, byte[]> make(Path folder) throws IOException {
        Files.createDirectories(folder);
        Map<String, byte[]> files = new LinkedHashMap<>();
        String[] names = {
            "C:%5Ctemp%5Ca.txt", // C:\temp\a.txt
            "a%5C..%5C..%5Cx.exe", // a\..\..\x.exe
            "ctl%01%1B%5B31mred.txt", // ctl\x01 ESC[31m red.txt
            "photo%E2%80%AEgpj.exe", // photo U+202E gpj.exe: shows as photoexe.jpg
            "isolate%E2%81%A6x%E2%81%A9.txt", // U+2066 ... U+2069
            "bad%FF.txt", // not UTF-8
            "bad%FE.txt", // not UTF-8: must not collide with bad%FF.txt (both U+FFFD when decoded)
            "cut%C3.txt", // a truncated two-byte sequence
            "Cafe%CC%81.txt", // Café in NFD: C a f e U+0301
            "Caf%C3%A9.txt", // Café in NFC: collides with the NFD one once normalised
            "same%01.txt", // collides with the next once mapped ...
            "same%2501.txt", // ... a literal "same%01.txt"
            "Upper.JPG", // collides with the next without case
            "upper.jpg",
            "tab%09and%0Anewline%7F%C2%85.txt", // TAB, LF, DEL, U+0085 (NEL)
            "bad%25FF.txt", // a literal "bad%FF.txt": collides with the escaped byte
        };
        int seed = 1;
        for (String name : names) {
            byte[] content = ("file " + seed++ + " " + name + "\n").getBytes(StandardCharsets.UTF_8);
            Files.write(raw(folder, name), content);
            files.put(name, content);
        }
        Path sub = Files.createDirectories(raw(folder, "dir%5Cwith%1Bslash"));
        byte[] nested = "nested\n".getBytes(StandardCharsets.UTF_8);
        Files.write(sub.resolve("inner.txt"), nested);
        files.put("dir%5Cwith%1Bslash/inner.txt", nested);
        Files.writeString(folder.resolve(".hidden"), "never in the archive\n");
        return files;
    }

    /** The path under {@code folder} whose last segment has exactly the percent-escaped bytes {@code name}. */
    public static Path raw(Path folder, String name) {
        String base = folder.toAbsolutePath().toUri().toString();
        return Path.of(URI.create((base.endsWith("/") ? base : base + "/") + name.replace(" ", "%20")));
    }
}
