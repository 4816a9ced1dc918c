package dev.zipstream.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The variables the image's Dockerfile sets with {@code ENV}, as the container starts with them. */
final class ImageEnvironment {

    static final Path DOCKERFILE = RenderedManifests.PROJECT_DIR.resolve("src/main/docker/Dockerfile.jvm");

    /** {@code ENV} and what follows it up to the instruction's end (a backslash continues it on the next line). */
    private static final Pattern ENV = Pattern.compile("(?m)^ENV\\s+((?:[^\\n]*\\\\\\n)*[^\\n]*)$");
    /** One {@code KEY=value} or {@code KEY="value"} of an instruction. */
    private static final Pattern ASSIGNMENT = Pattern.compile("(\\w+)=(\"[^\"]*\"|'[^']*'|[^\\s\\\\]+)");

    private ImageEnvironment() {
    }

    static Map<String, String> variables() {
        String dockerfile;
        try {
            dockerfile = Files.readString(DOCKERFILE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> variables = new LinkedHashMap<>();
        Matcher instruction = ENV.matcher(dockerfile);
        while (instruction.find()) {
            Matcher assignment = ASSIGNMENT.matcher(instruction.group(1));
            while (assignment.find()) {
                String value = assignment.group(2);
                boolean quoted = value.startsWith("\"") || value.startsWith("'");
                variables.put(assignment.group(1), quoted ? value.substring(1, value.length() - 1) : value);
            }
        }
        return variables;
    }
}
