package dev.zipstream.storage;

import java.util.Optional;

/**
 * The one rule for which relative names may become ZIP entries when the storage does not guarantee it (S3 keys
 * are arbitrary strings): no {@code .} or {@code ..} segment, no empty segment (a leading {@code /} or {@code //}),
 * no backslash, no control character. Anything else could unpack outside the target folder (zip-slip) or mean
 * different paths to different unzippers.
 */
public final class EntryNames {

    private EntryNames() {
    }

    /**
     * Why {@code name} (a {@code /}-separated path below the folder, a directory's without its trailing
     * {@code /}) may not be an entry name, or empty if it may.
     */
    public static Optional<String> unsafeReason(String name) {
        if (name.isEmpty()) {
            return Optional.of("empty name");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '\\') {
                return Optional.of("backslash in the name");
            }
            if (Character.isISOControl(c)) {
                return Optional.of("control character in the name");
            }
        }
        for (String segment : name.split("/", -1)) {
            if (segment.isEmpty()) {
                return Optional.of("empty path segment (leading, trailing or doubled '/')");
            }
            if (segment.equals(".") || segment.equals("..")) {
                return Optional.of("'" + segment + "' path segment");
            }
        }
        return Optional.empty();
    }
}
