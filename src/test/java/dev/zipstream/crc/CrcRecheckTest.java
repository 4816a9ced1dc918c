package dev.zipstream.crc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.zip.CRC32;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.zipstream.Fixtures;
import dev.zipstream.Plans;
import dev.zipstream.crc.index.CrcIndex;
import dev.zipstream.crc.index.IndexStore;
import dev.zipstream.plan.ArchiveEntry;
import dev.zipstream.plan.ArchivePlan;
import dev.zipstream.storage.EntryReader;

/** A CRC-32 contradicted by a file's bytes is read again ({@link CrcService#recheck}), and only trusted twice. */
class CrcRecheckTest {

    @TempDir
    Path dir;

    private ArchivePlan plan;
    private ArchiveEntry entry;
    private CrcKey key;
    private int actual;

    @BeforeEach
    void plan() throws Exception {
        Path folder = dir.resolve("photos/album");
        Fixtures.write(folder.resolve("a.jpg"), 500, 1);
        plan = Plans.of(dir.resolve("photos").toRealPath(), folder);
        entry = plan.entries().get(0);
        key = new CrcKey(plan.folder(), entry.name(), entry.source().indexStamp());
        CRC32 crc = new CRC32();
        crc.update(Files.readAllBytes(folder.resolve("a.jpg")));
        actual = (int) crc.getValue();
    }

    @Test
    void theCrcReadAgainReplacesTheWrongOneInMemoryAndInTheIndex() throws Exception {
        CrcMemory memory = new CrcMemory(100, 1 << 20);
        try (CrcIndex index = new CrcIndex(new IndexStore(Files.createDirectories(dir.resolve("index"))))) {
            CrcService crcs = new CrcService(memory, index, Runnable::run);
            memory.put(key, actual ^ 1);
            crcs.recheck(plan, entry, actual);
            assertEquals(actual, memory.get(key));
            index.flush();
            assertEquals(actual, index.lookup(key.folder(), key.name(), key.stamp()), "in the durable index too");
        }
    }

    /** The bytes seen in the download and those read again differ: the file is being written, so trust neither. */
    @Test
    void twoReadsThatDisagreeReplaceNothing() {
        CrcMemory memory = new CrcMemory(100, 1 << 20);
        CrcService crcs = new CrcService(memory, null, Runnable::run);
        memory.put(key, actual ^ 1);
        crcs.recheck(plan, entry, actual ^ 2);
        assertEquals(actual ^ 1, memory.get(key));
    }

    /** A service stopping refuses the re-read: nothing is left waiting on it. */
    @Test
    void aRefusedReReadLeavesNothingWaiting() throws Exception {
        CrcService crcs = new CrcService(new CrcMemory(100, 1 << 20), null, task -> {
            throw new RejectedExecutionException("stopping");
        });
        crcs.recheck(plan, entry, actual);
        try (EntryReader reader = plan.storage().reader(List::of)) {
            int answered = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> crcs.crcOf(plan, entry, reader));
            assertEquals(actual, answered);
        }
    }
}
