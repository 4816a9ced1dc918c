package dev.zipstream.plan;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import dev.zipstream.storage.ArchiveFolderException;
import dev.zipstream.storage.Listing;
import dev.zipstream.storage.Readiness;
import dev.zipstream.storage.Storage;
import dev.zipstream.zip.ZipEntrySpec;

/**
 * The only way from a link's hash to an archive plan, whatever the storage.
 *
 * <p>A hash is 1 to 128 characters of {@code [A-Za-z0-9_-]}, so it can hold no separator, dot segment, NUL or
 * encoded character; the storage then says whether such a folder exists and may be served. Anything else is "not
 * found", whatever the reason, so a guesser learns nothing.
 */
public final class ArchiveFolders {

    private static final Pattern HASH = Pattern.compile("[A-Za-z0-9_-]{1,128}");
    /** Looked up in place of a malformed hash; never served, even if a folder of that name exists. */
    private static final String NEVER_A_HASH = "~not-a-hash~";

    private final Storage storage;

    public ArchiveFolders(Storage storage) {
        this.storage = storage;
    }

    public static boolean isValidHash(String hash) {
        return hash != null && HASH.matcher(hash).matches();
    }

    /**
     * The names below the root that could be served (valid hashes), sorted; whether each is a folder that may be
     * served is for {@link #plan} to say. For the background scan, which runs on a volume only.
     */
    public List<String> hashes() throws IOException {
        List<String> hashes = new ArrayList<>();
        for (String name : storage.folderNames()) {
            if (isValidHash(name)) {
                hashes.add(name);
            }
        }
        java.util.Collections.sort(hashes);
        return hashes;
    }

    /** Where the archives come from. */
    public Storage storage() {
        return storage;
    }

    /** Whether a hash names a folder that may be served (for the index page's sample link). */
    public boolean exists(String hash) {
        return isValidHash(hash) && storage.exists(hash);
    }

    /** Whether the storage can serve archives now: what readiness reports. */
    public Readiness readiness() {
        return storage.readiness();
    }

    /**
     * The archive of the folder a hash names, or empty when the hash is malformed or names no folder that may be
     * served. Blocking: call it from a worker thread.
     */
    public Optional<ArchivePlan> plan(String hash) throws ArchiveFolderException {
        // A malformed hash looks up a name no hash can be and is refused whatever it finds, so that it takes the
        // same steps as a missing folder or one that leads out of the root: their answers take about the same
        // time, and a guesser learns nothing from it.
        boolean valid = isValidHash(hash);
        Optional<Listing> listing = storage.list(valid ? hash : NEVER_A_HASH);
        if (!valid || listing.isEmpty()) {
            return Optional.empty();
        }
        List<ArchivePlan.Source> sources = new ArrayList<>(listing.get().entries().size());
        for (Listing.Entry entry : listing.get().entries()) {
            sources.add(new ArchivePlan.Source(spec(entry), entry.object()));
        }
        return Optional.of(ArchivePlan.layOut(storage, listing.get().folderId(), sources,
                listing.get().folderModified()));
    }

    private static ZipEntrySpec spec(Listing.Entry entry) throws ArchiveFolderException {
        byte[] utf8 = entry.name().getBytes(StandardCharsets.UTF_8);
        if (utf8.length > ZipEntrySpec.MAX_NAME_LENGTH) {
            throw new ArchiveFolderException.UnsupportedName(
                    entry.object() == null ? entry.name() : entry.object().location());
        }
        return new ZipEntrySpec(utf8, entry.directory(), entry.size(), entry.modifiedEpochSecond(),
                entry.permissions());
    }
}
