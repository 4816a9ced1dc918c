package dev.zipstream.plan;

import dev.zipstream.storage.StoredObject;
import dev.zipstream.zip.ZipEntrySpec;
import dev.zipstream.zip.ZipLayout;

/**
 * One entry of a planned archive: its ZIP description, where its bytes come from, and where its local header
 * starts in the archive.
 *
 * @param spec the name, size, time and permissions as they go into the headers
 * @param source the version of the content to read, or {@code null} for a directory entry
 * @param localHeaderOffset where this entry's local header starts
 */
public record ArchiveEntry(ZipEntrySpec spec, StoredObject source, long localHeaderOffset) {

    public boolean isDirectory() {
        return spec.directory();
    }

    public long size() {
        return spec.size();
    }

    public long dataOffset() {
        return localHeaderOffset + ZipLayout.localHeaderLength(spec);
    }

    /** First byte after this entry's data: the next entry's local header, or the central directory. */
    public long endOffset() {
        return dataOffset() + spec.size();
    }

    public String name() {
        return spec.nameAsString();
    }
}
