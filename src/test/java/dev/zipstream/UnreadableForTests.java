package dev.zipstream;

import java.nio.file.Files;

import jakarta.annotation.Priority;
import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Singleton;

import dev.zipstream.storage.fs.FolderScanner;

/**
 * Tests run as root, to whom every file is readable; this stands in for the permission check so that files named
 * {@code unreadable-*} behave as a file the service user may not read.
 */
@Alternative
@Priority(1)
@Singleton
public class UnreadableForTests implements FolderScanner.ReadAccess {

    public static final String PREFIX = "unreadable-";

    @Override
    public boolean isReadable(java.nio.file.Path path) {
        return !path.getFileName().toString().startsWith(PREFIX) && Files.isReadable(path);
    }
}
