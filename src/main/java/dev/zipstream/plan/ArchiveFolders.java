package dev.zipstream.plan;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The served root ({@code FOLDER_PATH}) and the only way from a link's hash to a folder in it.
 *
 * <p>A hash is 1 to 128 characters of {@code [A-Za-z0-9_-]}, so it can hold no separator, dot segment, NUL or
 * encoded character; the folder it names must be a directory whose real path (links resolved) lies strictly
 * inside the root's real path. Anything else is "not found", whatever the reason, so a guesser learns nothing.
 */
public final class ArchiveFolders {

    private static final Pattern HASH = Pattern.compile("[A-Za-z0-9_-]{1,128}");
    /** Looked up in place of a malformed hash; never served, even if a folder of that name exists. */
    private static final String NEVER_A_HASH = "~not-a-hash~";

    private final Path root;
    private final FolderScanner.ReadAccess readAccess;

    public ArchiveFolders(Path root, FolderScanner.ReadAccess readAccess) {
        this.root = root.toAbsolutePath().normalize();
        this.readAccess = readAccess;
    }

    public static boolean isValidHash(String hash) {
        return hash != null && HASH.matcher(hash).matches();
    }

    /** Whether the root exists and can be listed: what readiness reports. */
    public boolean rootIsReadable() {
        return Files.isDirectory(root) && Files.isReadable(root) && Files.isExecutable(root);
    }

    /**
     * The folder a hash names, or empty when the hash is malformed, the folder is missing, or it resolves
     * outside the root. All three take the same steps (a malformed hash looks up a name no hash can be, which
     * is refused whatever it finds), so their answers take about the same time: no oracle for a guesser.
     */
    public Optional<Path> locate(String hash) {
        boolean valid = isValidHash(hash);
        try {
            Path realRoot = root.toRealPath();
            Path real = realRoot.resolve(valid ? hash : NEVER_A_HASH).toRealPath();
            if (!valid || !real.startsWith(realRoot) || real.equals(realRoot) || !Files.isDirectory(real)) {
                return Optional.empty();
            }
            return Optional.of(real);
        } catch (IOException missing) {
            return Optional.empty();
        }
    }

    /**
     * The names of the root's entries that could be served (valid hashes), sorted; whether each is a folder
     * inside the root is for {@link #locate} to say. For the background scan.
     */
    public List<String> hashes() throws IOException {
        List<String> hashes = new ArrayList<>();
        try (DirectoryStream<Path> children = Files.newDirectoryStream(root)) {
            for (Path child : children) {
                String name = child.getFileName().toString();
                if (isValidHash(name)) {
                    hashes.add(name);
                }
            }
        }
        Collections.sort(hashes);
        return hashes;
    }

    /** Plans the archive of a located folder. Blocking: call it from a worker thread. */
    public ArchivePlan plan(Path folder) throws ArchiveFolderException {
        try {
            return new FolderScanner(root.toRealPath(), readAccess).plan(folder);
        } catch (IOException e) {
            throw new ArchiveFolderException.Unreadable(root, e);
        }
    }
}
