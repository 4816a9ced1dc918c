package dev.zipstream.storage.fs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

import org.jboss.logging.Logger;

import dev.zipstream.storage.ArchiveFolderException;
import dev.zipstream.storage.EntryReader;
import dev.zipstream.storage.Listing;
import dev.zipstream.storage.Readiness;
import dev.zipstream.storage.Span;
import dev.zipstream.storage.Storage;

/**
 * Folders on a volume ({@code STORAGE=filesystem}): the served root {@code FOLDER_PATH}, whose sub-folder a hash
 * names. The folder must be a directory whose real path (links resolved) lies strictly inside the root's real
 * path; anything else is "not found", whatever the reason, so a guesser learns nothing. Files are read below the
 * root without following links, and can be sent with {@code sendfile}.
 */
public final class FileSystemStorage implements Storage {

    private static final Logger LOG = Logger.getLogger(FileSystemStorage.class);

    private final Path root;
    private final FolderScanner.ReadAccess readAccess;

    public FileSystemStorage(Path root, FolderScanner.ReadAccess readAccess) {
        this.root = root.toAbsolutePath().normalize();
        this.readAccess = readAccess;
        // Said where it costs something: the slower way is one JVM flag away from the faster.
        LOG.logf(StatReader.BEST instanceof StatReader.JdkFields ? Logger.Level.DEBUG : Logger.Level.INFO,
                "File facts are read %s", StatReader.BEST.description());
    }

    @Override
    public Optional<Listing> list(String hash) throws ArchiveFolderException {
        Optional<Path> folder = locate(hash);
        if (folder.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new FolderScanner(root.toRealPath(), readAccess).list(folder.get()));
        } catch (IOException e) {
            throw new ArchiveFolderException.Unreadable(root.toString(), e);
        }
    }

    @Override
    public List<String> folderNames() throws IOException {
        List<String> names = new java.util.ArrayList<>();
        try (java.nio.file.DirectoryStream<Path> children = Files.newDirectoryStream(root)) {
            for (Path child : children) {
                names.add(child.getFileName().toString());
            }
        }
        return names;
    }

    @Override
    public boolean exists(String hash) {
        return locate(hash).isPresent();
    }

    /** The folder a valid hash names, or empty when it is missing or resolves outside the root. */
    private Optional<Path> locate(String hash) {
        try {
            Path realRoot = root.toRealPath();
            Path real = realRoot.resolve(hash).toRealPath();
            if (!real.startsWith(realRoot) || real.equals(realRoot) || !Files.isDirectory(real)) {
                return Optional.empty();
            }
            return Optional.of(real);
        } catch (IOException missing) {
            return Optional.empty();
        }
    }

    /** Files are opened one at a time, as they come: the page cache does the reading ahead. */
    @Override
    public EntryReader reader(Supplier<List<Span>> spans) {
        try {
            return new FileEntryReader(new RootedFiles(root.toRealPath()));
        } catch (IOException e) {
            // The root vanished since planning: every open will fail and be reported as a changed file.
            return new FileEntryReader(new RootedFiles(root));
        }
    }

    @Override
    public Readiness readiness() {
        boolean readable = Files.isDirectory(root) && Files.isReadable(root) && Files.isExecutable(root);
        return readable ? Readiness.ready() : Readiness.down("FOLDER_PATH is missing or cannot be listed");
    }

    @Override
    public boolean localFiles() {
        return true;
    }
}
