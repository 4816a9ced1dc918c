package dev.zipstream.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The variables the image's Dockerfile sets with {@code ENV} (not the base image's, nor what Kubernetes adds).
 * Only the {@code ENV KEY=value ...} form is read; any other fails, so a variable is never silently missed.
 */
final class ImageEnvironment {

    static final Path DOCKERFILE = RenderedManifests.PROJECT_DIR.resolve("src/main/docker/Dockerfile.jvm");

    /** {@code ENV} and what follows it up to the instruction's end (a backslash continues it on the next line). */
    private static final Pattern ENV = Pattern.compile("(?m)^ENV\\s+((?:[^\\r\\n]*\\\\\\r?\\n)*[^\\r\\n]*)$");
    /** One {@code KEY=value} or {@code KEY="value"} of an instruction, with what separates it from the next. */
    private static final Pattern ASSIGNMENT =
            Pattern.compile("(\\w+)=(\"[^\"]*\"|'[^']*'|[^\\s\\\\\"']+)(?:\\s|\\\\)*");

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
            String body = instruction.group(1).strip();
            Matcher assignment = ASSIGNMENT.matcher(body);
            int end = 0;
            while (assignment.lookingAt()) {
                String value = assignment.group(2);
                boolean quoted = value.startsWith("\"") || value.startsWith("'");
                variables.put(assignment.group(1), quoted ? value.substring(1, value.length() - 1) : value);
                end = assignment.end();
                assignment.region(end, body.length());
            }
            if (end != body.length()) {
                throw new IllegalStateException("not an ENV KEY=value instruction: ENV " + body);
            }
        }
        return variables;
    }
}
