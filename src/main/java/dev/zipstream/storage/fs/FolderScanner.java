package dev.zipstream.storage.fs;

import java.io.IOException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.jboss.logging.Logger;

import dev.zipstream.observability.LogText;
import dev.zipstream.storage.ArchiveFolderException;
import dev.zipstream.storage.EntryNames;
import dev.zipstream.storage.Listing;

/**
 * Walks one folder into the ordered list of archive entries: sub-folders before their contents, siblings sorted
 * by name, so the same folder always gives the same archive.
 *
 * <p>Rules: hidden names (starting with {@code .}) are left out, as are sockets, pipes and devices. Entry names
 * come from {@link EntryNames} (safe for every extractor, unique in the archive); files are still opened by their
 * stored names. Siblings are sorted by the bytes of their stored names, so names that do not decode sort
 * deterministically too. A symbolic
 * link is followed only while its target stays inside the served root; a link that leads out, at any depth,
 * refuses the whole archive (never a byte from outside the root). A link loop is skipped. Blocking file-system
 * work: call it from a worker thread.
 */
public final class FolderScanner {

    private static final Logger LOG = Logger.getLogger(FolderScanner.class);
    /**
     * A folder with more children than this has them looked up ({@code lstat}) on all cores: in a
     * folder of thousands of thumbnails those calls are most of the planning. Smaller ones are looked up by one
     * thread, which for a sub-folder is a pool thread ahead of the walk ({@link SubfoldersAhead}).
     */
    static final int PARALLEL_LOOKUPS_FROM = 256;
    /**
     * Where look-ups and listings ahead run: blocking calls, so not the common pool, on which they would hold up
     * whatever else uses it. As many threads as cores but one (the walk is the last). Its queue is bounded and
     * what does not fit is dropped: what no pool thread starts, the walk does itself ({@link SharedLoop},
     * {@link Scan#result}), so a hung mount or many plannings at once cost parallelism, never memory or a wait.
     */
    private static final ThreadPoolExecutor LOOKUP_POOL = lookupPool();
    private static final int LOOKUP_THREADS = LOOKUP_POOL.getMaximumPoolSize();

    private final Path realRoot;
    private final ReadAccess readAccess;

    /**
     * Whether a file can be opened for reading ({@link ServiceUserAccess}); a seam so tests can present an
     * unreadable file to root.
     */
    @FunctionalInterface
    public interface ReadAccess {
        /** {@code owner}: the bits and owner that the file's {@code lstat} gave (its target's, for a link). */
        boolean isReadable(Path path, FileOwner owner);
    }

    public FolderScanner(Path realRoot, ReadAccess readAccess) {
        this.realRoot = realRoot;
        this.readAccess = readAccess;
    }

    public FolderScanner(Path realRoot) {
        this(realRoot, ServiceUserAccess.forThisProcess());
    }

    /** The entries of {@code folder}, which must be a directory inside the root. */
    public Listing list(Path folder) throws ArchiveFolderException {
        List<Listing.Entry> sources = new ArrayList<>();
        Set<Path> openDirectories = new HashSet<>();
        Path realFolder = realPath(folder);
        openDirectories.add(realFolder);
        AtomicBoolean walkEnded = new AtomicBoolean();
        try (RootedFiles rooted = new RootedFiles(realRoot)) {
            Walk walk = new Walk(rooted, walkEnded);
            walk(walk, realFolder, new Scan(walk, realFolder).result(), new ArrayList<>(), new EntryNames(), sources,
                    openDirectories);
            Instant folderModified = FileFacts.read(realFolder, LinkOption.NOFOLLOW_LINKS).stamp().modifiedInstant();
            return new Listing(sources, folderModified, realRoot.relativize(realFolder).toString());
        } catch (IOException e) {
            throw new ArchiveFolderException.Unreadable(folder.toString(), e);
        } finally {
            walkEnded.set(true); // listings started ahead and not begun yet are not needed (the walk failed)
        }
    }

    /** One listing's walk: where it opens folders, and whether it has ended. */
    private record Walk(RootedFiles rooted, AtomicBoolean ended) {
    }

    /** Walks a folder given by its real path (no link in it) and its children, listed without following links. */
    private void walk(Walk walk, Path directory, Scanned scanned, List<byte[]> segments, EntryNames names,
            List<Listing.Entry> sources, Set<Path> openDirectories) throws ArchiveFolderException {
        List<Child> children = scanned.children();
        LookedUp[] lookedUp = scanned.lookedUp();
        SubfoldersAhead ahead = new SubfoldersAhead(walk, scanned);
        for (int i = 0; i < children.size(); i++) {
            Child entry = children.get(i);
            Path child = entry.path();
            if (EntryNames.isHidden(entry.name())) {
                continue;
            }
            if (lookedUp[i].failure() != null) {
                throw lookedUp[i].failure();
            }
            Path real = child;
            FileFacts facts = lookedUp[i].facts();
            boolean readable = lookedUp[i].readable();
            boolean viaLink = facts != null && facts.type() == FileFacts.Type.SYMBOLIC_LINK;
            if (viaLink) {
                real = linkTargetInsideRoot(child);
                facts = real == null ? null : FileFacts.readOrNull(real, LinkOption.NOFOLLOW_LINKS);
                readable = facts != null && readAccess.isReadable(child, facts.owner());
            }
            if (facts == null) {
                continue;
            }
            segments.add(entry.name());
            if (facts.type() == FileFacts.Type.DIRECTORY) {
                if (!openDirectories.add(real)) {
                    LOG.warnf("Skipping %s: symbolic link loop", LogText.of(child));
                } else {
                    requireReadable(child, readable);
                    sources.add(new Listing.Entry(names.name(segments, true), true,
                            facts.stamp().modifiedEpochSecond(), facts.permissions(), null));
                    Scanned subfolder = viaLink ? new Scan(walk, real).result() : ahead.take(i);
                    walk(walk, real, subfolder, segments, names, sources, openDirectories);
                    openDirectories.remove(real);
                }
            } else if (facts.type() == FileFacts.Type.REGULAR_FILE) {
                requireReadable(child, readable);
                sources.add(new Listing.Entry(names.name(segments, false), false,
                        facts.stamp().modifiedEpochSecond(), facts.permissions(), new LocalFile(real, facts.stamp())));
            }
            segments.remove(segments.size() - 1);
        }
    }

    /**
     * The real path a symbolic link leads to, if it stays strictly inside the root (the root itself would list
     * every folder name, and those are the links' secrets); null for a dangling link.
     */
    private Path linkTargetInsideRoot(Path link) throws ArchiveFolderException {
        Path target;
        try {
            target = link.toRealPath();
        } catch (IOException dangling) {
            LOG.debugf("Skipping %s: dangling symbolic link", LogText.of(link));
            return null;
        }
        if (!target.startsWith(realRoot) || target.equals(realRoot)) {
            throw new ArchiveFolderException.OutsideRoot(link.toString());
        }
        return target;
    }

    /**
     * A directory entry with the stored bytes of its name, read once (sorting compares them often), and its first
     * eight bytes as one unsigned number: most names differ within those, so most comparisons are one of longs.
     * A name holds no NUL byte, so padding a short one with zeros keeps a prefix sorting first.
     */
    private record Child(byte[] name, Path path, long leadingBytes) {

        Child(byte[] name, Path path) {
            this(name, path, leadingBytes(name));
        }

        private static long leadingBytes(byte[] name) {
            long bytes = 0;
            for (int i = 0; i < Long.BYTES; i++) {
                bytes = bytes << 8 | (i < name.length ? name[i] & 0xFF : 0);
            }
            return bytes;
        }

        static int byNameBytes(Child a, Child b) {
            int leading = Long.compareUnsigned(a.leadingBytes, b.leadingBytes);
            return leading != 0 ? leading : Arrays.compareUnsigned(a.name, b.name);
        }
    }

    private List<Child> sortedChildren(RootedFiles rooted, Path directory) throws ArchiveFolderException {
        List<Child> children = new ArrayList<>();
        try (DirectoryStream<Path> stream = rooted.openDirectory(directory)) {
            for (Path child : stream) {
                children.add(new Child(FileNameBytes.of(child, child.getFileName().toString()), child));
            }
        } catch (IOException e) {
            throw new ArchiveFolderException.Unreadable(directory.toString(), e);
        } catch (DirectoryIteratorException e) {
            throw new ArchiveFolderException.Unreadable(directory.toString(), e.getCause());
        }
        children.sort(Child::byNameBytes);
        return children;
    }

    private static void requireReadable(Path path, boolean readable) throws ArchiveFolderException {
        if (!readable) {
            throw new ArchiveFolderException.Unreadable(path.toString(), null);
        }
    }

    /**
     * A child's facts (null: it vanished, or is hidden and never looked at) and, for a file or folder, whether
     * it may be read; a link's are looked up later, from its target.
     */
    private record LookedUp(FileFacts facts, boolean readable, ArchiveFolderException failure) {
    }

    /** A folder's children in name order and what each looked up to (a failure is thrown when the walk reaches it). */
    private record Scanned(List<Child> children, LookedUp[] lookedUp) {
    }

    /**
     * One folder's listing: read and sorted by the first thread to get to it (a pool thread ahead of the walk, or
     * the walk), then its children looked up by every thread that helps, on all cores for a large folder.
     */
    private final class Scan {
        private final Path directory;
        private final AtomicBoolean walkEnded;
        private final FutureTask<Listed> listed;

        Scan(Walk walk, Path directory) {
            this.directory = directory;
            this.walkEnded = walk.ended();
            this.listed = new FutureTask<>(() -> listed(walk.rooted(), directory));
        }

        private Listed listed(RootedFiles rooted, Path directory) {
            try {
                List<Child> children = sortedChildren(rooted, directory);
                LookedUp[] lookedUp = new LookedUp[children.size()];
                SharedLoop lookUps = new SharedLoop(children.size(), i -> lookedUp[i] = lookUp(children.get(i)));
                if (children.size() > PARALLEL_LOOKUPS_FROM) {
                    lookUps.offerTo(LOOKUP_POOL, LOOKUP_THREADS);
                }
                return new Listed(new Scanned(children, lookedUp), lookUps, null);
            } catch (ArchiveFolderException e) {
                return new Listed(null, null, e);
            }
        }

        /** Starts it on the pool, which lists the folder and then helps look its children up. */
        void startAhead() {
            LOOKUP_POOL.execute(() -> {
                if (walkEnded.get()) {
                    return;
                }
                listed.run();
                Listed done = resultNow();
                if (done.failure() == null && !walkEnded.get()) {
                    done.lookUps().help();
                }
            });
        }

        /** The folder's children, all looked up: what is not done yet is done here. */
        Scanned result() throws ArchiveFolderException {
            listed.run(); // lists it here, unless another thread already has or is
            Listed done = resultNow();
            if (done.failure() != null) {
                throw done.failure();
            }
            done.lookUps().finish();
            return done.scanned();
        }

        private Listed resultNow() {
            boolean interrupted = false;
            try {
                while (true) {
                    try {
                        return listed.get();
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
                }
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof Error error) {
                    throw error;
                }
                throw cause instanceof RuntimeException runtime ? runtime
                        : new IllegalStateException("listing " + directory + " failed", cause);
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    /** A folder listed, its look-ups under way; or why it could not be listed. */
    private record Listed(Scanned scanned, SharedLoop lookUps, ArchiveFolderException failure) {
    }

    /**
     * The plain sub-folders of one folder, each listed ahead of the walk: while the walk names the entries before
     * and inside one sub-folder (serial work), the next one's {@code readdir} and look-ups run on another core. A
     * link's target is listed when the walk reaches it. One listing ahead per level of the walk.
     */
    private final class SubfoldersAhead {
        private final Walk walk;
        private final Scanned scanned;
        private int aheadChild = -1;
        private Scan ahead;

        SubfoldersAhead(Walk walk, Scanned scanned) {
            this.walk = walk;
            this.scanned = scanned;
            startAfter(-1);
        }

        /** The listing of the plain sub-folder at {@code child} (the walk takes them in order); starts the next. */
        Scanned take(int child) throws ArchiveFolderException {
            Scan scan = child == aheadChild ? ahead : new Scan(walk, scanned.children().get(child).path());
            startAfter(child);
            return scan.result();
        }

        private void startAfter(int child) {
            ahead = null;
            aheadChild = -1;
            for (int next = child + 1; next < scanned.children().size(); next++) {
                FileFacts facts = scanned.lookedUp()[next].facts();
                if (facts != null && facts.type() == FileFacts.Type.DIRECTORY) {
                    aheadChild = next;
                    ahead = new Scan(walk, scanned.children().get(next).path());
                    ahead.startAhead();
                    return;
                }
            }
        }
    }

    private static ThreadPoolExecutor lookupPool() {
        int threads = Math.max(1, Runtime.getRuntime().availableProcessors() - 1);
        AtomicInteger named = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(64 * threads), task -> {
                    Thread thread = new Thread(task, "folder-lookups-" + named.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                }, new ThreadPoolExecutor.DiscardPolicy());
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    private LookedUp lookUp(Child child) {
        if (EntryNames.isHidden(child.name())) {
            return new LookedUp(null, false, null);
        }
        try {
            FileFacts facts = FileFacts.readOrNull(child.path(), LinkOption.NOFOLLOW_LINKS);
            boolean plain = facts != null
                    && (facts.type() == FileFacts.Type.REGULAR_FILE || facts.type() == FileFacts.Type.DIRECTORY);
            return new LookedUp(facts, plain && readAccess.isReadable(child.path(), facts.owner()), null);
        } catch (ArchiveFolderException e) {
            return new LookedUp(null, false, e);
        }
    }

    private Path realPath(Path path) throws ArchiveFolderException {
        try {
            return path.toRealPath();
        } catch (IOException e) {
            throw new ArchiveFolderException.Unreadable(path.toString(), e);
        }
    }
}
