package dev.zipstream;

import java.nio.file.Path;

import dev.zipstream.plan.ArchiveFolders;
import dev.zipstream.plan.ArchivePlan;
import dev.zipstream.storage.ArchiveFolderException;
import dev.zipstream.storage.fs.FileSystemStorage;
import dev.zipstream.storage.fs.FolderScanner;
import dev.zipstream.storage.fs.ServiceUserAccess;

/** Test helper: plans a folder directly below a root the way the service does, through the filesystem storage. */
public final class Plans {

    private final Path root;
    private final ArchiveFolders folders;

    public Plans(Path root) {
        this(root, ServiceUserAccess.forThisProcess());
    }

    public Plans(Path root, FolderScanner.ReadAccess readAccess) {
        this.root = root;
        this.folders = new ArchiveFolders(new FileSystemStorage(root, readAccess));
    }

    public static ArchivePlan of(Path root, Path folder) throws ArchiveFolderException {
        return new Plans(root).plan(folder);
    }

    /** The plan of {@code folder}, which must be a sub-folder of the root with a valid hash as its name. */
    public ArchivePlan plan(Path folder) throws ArchiveFolderException {
        String hash;
        try {
            hash = root.toRealPath().relativize(folder.toRealPath()).toString();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return folders.plan(hash).orElseThrow(() -> new AssertionError("no folder " + hash + " in " + root));
    }
}
