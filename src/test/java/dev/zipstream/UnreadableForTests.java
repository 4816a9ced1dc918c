package dev.zipstream;

import jakarta.annotation.Priority;
import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Singleton;

import dev.zipstream.storage.fs.FileOwner;
import dev.zipstream.storage.fs.FolderScanner;
import dev.zipstream.storage.fs.ServiceUserAccess;

/**
 * Tests run as root, to whom every file is readable; this stands in for the permission check so that files named
 * {@code unreadable-*} behave as a file the service user may not read. Every other file is decided as the service
 * decides it.
 */
@Alternative
@Priority(1)
@Singleton
public class UnreadableForTests implements FolderScanner.ReadAccess {

    public static final String PREFIX = "unreadable-";

    private static final FolderScanner.ReadAccess SERVICE = ServiceUserAccess.forThisProcess();

    @Override
    public boolean isReadable(java.nio.file.Path path, FileOwner owner) {
        return !path.getFileName().toString().startsWith(PREFIX) && SERVICE.isReadable(path, owner);
    }
}
