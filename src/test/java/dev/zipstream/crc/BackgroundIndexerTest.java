package dev.zipstream.crc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.zipstream.Fixtures;
import dev.zipstream.crc.index.CrcIndex;
import dev.zipstream.crc.index.FolderIndex;
import dev.zipstream.crc.index.FolderLease;
import dev.zipstream.crc.index.IndexStore;
import dev.zipstream.plan.ArchiveFolders;
import dev.zipstream.storage.fs.FileSystemStorage;
import dev.zipstream.storage.fs.ServiceUserAccess;

/**
 * One background scan at a time, on the test's thread and clock: a folder still being uploaded waits for the
 * next scan, a finished one is indexed, and leftovers of dead writers and of folders that are gone are swept.
 */
class BackgroundIndexerTest {

    @TempDir
    Path work;

    private static Clock at(Instant instant) {
        return Clock.fixed(instant, ZoneOffset.UTC);
    }

    /** {@code photos/album/} with two photos of 10,000 and 20,000 bytes, planned as the service plans it. */
    private ArchiveFolders albumOfTwoPhotos() throws IOException {
        Path root = Files.createDirectories(work.resolve("photos"));
        Path album = Files.createDirectories(root.resolve("album"));
        Fixtures.write(album.resolve("a.jpg"), 10_000, 1);
        Fixtures.write(album.resolve("b.jpg"), 20_000, 2);
        return new ArchiveFolders(new FileSystemStorage(root, ServiceUserAccess.forThisProcess()));
    }

    @Test
    void aFolderChangedWithinTheMinimumAgeWaitsForTheNextScan() throws Exception {
        ArchiveFolders folders = albumOfTwoPhotos();
        CrcIndex index = new CrcIndex(new IndexStore(work.resolve("index")));
        CrcService crcs = new CrcService(new CrcMemory(1000, 1 << 20), index, Runnable::run);
        Instant now = Instant.now();

        BackgroundIndexer uploading = new BackgroundIndexer(folders, crcs, 1 << 30, Duration.ofMinutes(1), at(now));
        assertEquals(-1, uploading.pendingFiles(), "unknown before the first scan");
        uploading.scan();
        assertEquals(2, uploading.pendingFiles(), "the upload is still arriving");
        assertEquals(0, crcs.bytesRead(CrcService.Reason.BACKGROUND));

        BackgroundIndexer later = new BackgroundIndexer(folders, crcs, 1 << 30, Duration.ofMinutes(1),
                at(now.plus(Duration.ofMinutes(2))));
        later.scan();
        assertEquals(0, later.pendingFiles());
        assertEquals(30_000, crcs.bytesRead(CrcService.Reason.BACKGROUND));
        FolderIndex written = index.store().read("album").orElseThrow();
        assertEquals(2, written.size(), "written before the scan moved on");
        later.scan();
        assertEquals(30_000, crcs.bytesRead(CrcService.Reason.BACKGROUND), "nothing is read twice");
        index.close();
        later.close();
        uploading.close();
    }

    /**
     * Replica two looks at the folder while replica one holds its lease and leaves it; one then indexes it and
     * gives the lease back, and two comes again within the 500 ms its view of the index is kept: having taken the
     * lease, it looks at the index again instead of reading every file a second time.
     */
    @Test
    void aReplicaThatTakesALeaseJustGivenBackReadsNothingTheOtherIndexed() throws Exception {
        ArchiveFolders folders = albumOfTwoPhotos();
        IndexStore store = new IndexStore(Files.createDirectories(work.resolve("index")));
        Instant now = Instant.now();
        CrcIndex oneIndex = new CrcIndex(store);
        CrcService oneCrcs = new CrcService(new CrcMemory(1000, 1 << 20), oneIndex, Runnable::run);
        BackgroundIndexer one = new BackgroundIndexer(folders, oneCrcs, 1 << 30, Duration.ZERO, at(now));
        CrcIndex twoIndex = new CrcIndex(store);
        CrcService twoCrcs = new CrcService(new CrcMemory(1000, 1 << 20), twoIndex, Runnable::run);
        BackgroundIndexer two = new BackgroundIndexer(folders, twoCrcs, 1 << 30, Duration.ZERO, at(now));

        FolderLease held = FolderLease.tryTake(store, "album", Duration.ofMinutes(5), at(now)).orElseThrow();
        long started = System.nanoTime();
        two.scan();
        assertEquals(2, two.pendingFiles(), "left to the replica holding the lease");
        held.close();
        one.scan();
        assertEquals(30_000, oneCrcs.bytesRead(CrcService.Reason.BACKGROUND));
        two.scan();
        assertTrue(System.nanoTime() - started < 500_000_000L, "within the time two's view of the index is kept");
        assertEquals(0, twoCrcs.bytesRead(CrcService.Reason.BACKGROUND), "nothing read twice");
        assertEquals(0, two.pendingFiles());
        try (var files = Files.list(store.directory())) {
            assertTrue(files.noneMatch(f -> f.toString().endsWith(".lease")), "every lease was given back");
        }
        for (AutoCloseable closing : new AutoCloseable[] {one, two, oneIndex, twoIndex}) {
            closing.close();
        }
    }

    @Test
    void leftoversAndTheIndexesOfFoldersThatAreGoneAreSwept() throws Exception {
        Path root = Files.createDirectories(work.resolve("photos"));
        Files.createDirectories(root.resolve("kept"));
        IndexStore store = new IndexStore(Files.createDirectories(work.resolve("index")));
        Instant now = Instant.now();
        FileTime twoDaysAgo = FileTime.from(now.minus(Duration.ofDays(2)));
        Path kept = Files.write(store.fileOf("kept"), new byte[0]);
        Path gone = Files.write(store.fileOf("gone"), new byte[0]);
        Path goneRecently = Files.write(store.fileOf("moved"), new byte[0]);
        Path deadWriter = Files.write(store.directory().resolve("kept.crcs.1234.tmp"), new byte[0]);
        Path hashed = Files.write(store.fileOf("s3:bucket/prefix/x"), new byte[0]);
        for (Path old : new Path[] {kept, gone, deadWriter, hashed}) {
            Files.setLastModifiedTime(old, twoDaysAgo);
        }
        CrcIndex index = new CrcIndex(store);
        ArchiveFolders folders = new ArchiveFolders(new FileSystemStorage(root, ServiceUserAccess.forThisProcess()));
        BackgroundIndexer indexer = new BackgroundIndexer(folders,
                new CrcService(new CrcMemory(10, 1 << 20), index, Runnable::run), 1 << 30, Duration.ZERO, at(now));
        indexer.scan();
        assertTrue(Files.exists(kept));
        assertFalse(Files.exists(gone), "a folder gone for more than a day");
        assertTrue(Files.exists(goneRecently), "a folder gone for less than a day may come back");
        assertFalse(Files.exists(deadWriter));
        assertTrue(Files.exists(hashed), "another storage's index files are not this scan's to judge");
        index.close();
        indexer.close();
    }
}
