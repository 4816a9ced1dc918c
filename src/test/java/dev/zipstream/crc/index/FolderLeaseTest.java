package dev.zipstream.crc.index;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One replica at a time scans a folder; a lease left by a dead replica lapses. */
class FolderLeaseTest {

    private static final Instant NOW = Instant.parse("2026-12-01T22:00:00Z");

    @TempDir
    Path dir;

    private static Clock at(Instant instant) {
        return Clock.fixed(instant, ZoneOffset.UTC);
    }

    @Test
    void aHeldLeaseIsNotTakenTwiceAndIsFreeAgainWhenGivenBack() throws Exception {
        IndexStore store = new IndexStore(dir);
        Optional<FolderLease> first = FolderLease.tryTake(store, "7kna", Duration.ofMinutes(5), at(NOW));
        assertTrue(first.isPresent());
        assertFalse(FolderLease.tryTake(store, "7kna", Duration.ofMinutes(5), at(NOW)).isPresent());
        assertTrue(FolderLease.tryTake(store, "other", Duration.ofMinutes(5), at(NOW)).isPresent());
        first.get().close();
        assertTrue(FolderLease.tryTake(store, "7kna", Duration.ofMinutes(5), at(NOW)).isPresent());
    }

    @Test
    void anExpiredLeaseIsBrokenAndItsOldOwnerDoesNotDeleteTheNewOne() throws Exception {
        IndexStore store = new IndexStore(dir);
        FolderLease dead = FolderLease.tryTake(store, "7kna", Duration.ofMinutes(5), at(NOW)).orElseThrow();
        assertFalse(FolderLease.tryTake(store, "7kna", Duration.ofMinutes(5), at(NOW.plusSeconds(299))).isPresent());
        FolderLease next = FolderLease.tryTake(store, "7kna", Duration.ofMinutes(5), at(NOW.plusSeconds(301)))
                .orElseThrow();
        dead.close();
        assertFalse(FolderLease.tryTake(store, "7kna", Duration.ofMinutes(5), at(NOW.plusSeconds(302))).isPresent(),
                "the late owner gave back only its own lease");
        next.close();
        try (var files = Files.list(dir)) {
            assertTrue(files.findAny().isEmpty(), "no lease file or broken leftover stays");
        }
    }
}
