package dev.zipstream.plan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ForkJoinPool;

import org.junit.jupiter.api.Test;

import dev.zipstream.zip.ZipEntrySpec;

/** The digest an archive's ETag is cut from: stable for small folders, and made in runs for large ones. */
class ArchiveFingerprintTest {

    private static List<ArchivePlan.Source> folders(int count) {
        List<ArchivePlan.Source> sources = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            sources.add(new ArchivePlan.Source(ZipEntrySpec.directory("d" + i, 1_700_000_000L + i, 0755), null));
        }
        return sources;
    }

    /**
     * A folder of up to one run keeps the digest it had before runs existed (so its ETags, and the resumes that
     * send them back, survive the upgrade): written out here from the fields, independently of the planner.
     */
    @Test
    void aSmallFolderIsOneDigestOfEveryEntryInOrder() throws Exception {
        List<ArchivePlan.Source> sources = folders(3);
        MessageDigest expected = MessageDigest.getInstance("SHA-256");
        expected.update(ByteBuffer.allocate(4).putInt(ArchivePlan.FORMAT_VERSION).array());
        for (ArchivePlan.Source source : sources) {
            ZipEntrySpec spec = source.spec();
            expected.update(ByteBuffer.allocate(4).putInt(spec.name().length).array());
            expected.update(spec.name());
            expected.update(ByteBuffer.allocate(21).putLong(spec.size()).putLong(spec.modifiedEpochSecond())
                    .putInt(spec.unixPermissions()).put((byte) 1).array());
        }
        assertArrayEquals(expected.digest(), ArchivePlan.fingerprint(sources));
    }

    @Test
    void aLargeFolderHasTheSameDigestOnAnyNumberOfCores() throws Exception {
        List<ArchivePlan.Source> sources = folders(ArchivePlan.FINGERPRINT_RUN * 2 + 5);
        byte[] onAllCores = ArchivePlan.fingerprint(sources);
        ForkJoinPool oneThread = new ForkJoinPool(1);
        try {
            byte[] onOne = oneThread.submit(() -> ArchivePlan.fingerprint(sources)).get();
            assertArrayEquals(onAllCores, onOne);
        } finally {
            oneThread.shutdown();
        }
        assertArrayEquals(onAllCores, ArchivePlan.fingerprint(new ArrayList<>(sources)));
    }

    @Test
    void anyChangeToALargeFolderChangesItsDigest() {
        int run = ArchivePlan.FINGERPRINT_RUN;
        List<ArchivePlan.Source> sources = folders(run * 2 + 5);
        byte[] original = ArchivePlan.fingerprint(sources);

        List<ArchivePlan.Source> touchedInTheLastRun = new ArrayList<>(sources);
        ZipEntrySpec last = sources.get(run * 2 + 4).spec();
        touchedInTheLastRun.set(run * 2 + 4, new ArchivePlan.Source(new ZipEntrySpec(last.name(), true, 0,
                last.modifiedEpochSecond() + 1, last.unixPermissions()), null));
        assertDiffers(original, ArchivePlan.fingerprint(touchedInTheLastRun));

        List<ArchivePlan.Source> swappedAcrossRuns = new ArrayList<>(sources);
        Collections.swap(swappedAcrossRuns, run - 1, run);
        assertDiffers(original, ArchivePlan.fingerprint(swappedAcrossRuns));

        List<ArchivePlan.Source> renamedInTheFirstRun = new ArrayList<>(sources);
        renamedInTheFirstRun.set(0, new ArchivePlan.Source(
                ZipEntrySpec.directory("e0", sources.get(0).spec().modifiedEpochSecond(), 0755), null));
        assertDiffers(original, ArchivePlan.fingerprint(renamedInTheFirstRun));

        assertDiffers(original, ArchivePlan.fingerprint(sources.subList(0, run * 2 + 4)));
        List<ArchivePlan.Source> fileInsteadOfFolder = new ArrayList<>(sources);
        ZipEntrySpec middle = sources.get(run + 7).spec();
        fileInsteadOfFolder.set(run + 7, new ArchivePlan.Source(
                ZipEntrySpec.file("d" + (run + 7), 0, middle.modifiedEpochSecond(), 0644), null));
        assertDiffers(original, ArchivePlan.fingerprint(fileInsteadOfFolder));
    }

    private static void assertDiffers(byte[] expected, byte[] actual) {
        assertFalse(Arrays.equals(expected, actual), "the digest did not change");
    }
}
