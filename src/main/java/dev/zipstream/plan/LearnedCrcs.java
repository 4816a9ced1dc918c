package dev.zipstream.plan;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The CRC-32s learned for one plan's entries, shared by every download that plan serves. A plan pins each entry's
 * stamp, and a CRC-32 is only ever learned for that version (read and checked unchanged, or remembered under the
 * same stamp), so it stays right for the plan's whole life. Downloads of a reused plan then take their headers'
 * CRC-32s from here: no key to build and look up per entry, which in the download of a folder of 65,536 small
 * files was 8 % of the profile's samples.
 */
public final class LearnedCrcs {

    /** Set in every learned value, so that 0 means "not learned" and a CRC-32 of 0 is still one. */
    private static final long LEARNED = 1L << 32;

    private final AtomicLongArray values;

    LearnedCrcs(int entries) {
        this.values = new AtomicLongArray(entries);
    }

    public boolean isLearned(int index) {
        return values.get(index) != 0;
    }

    /** The entry's CRC-32; only meaningful once {@link #isLearned} says so. */
    public int get(int index) {
        return (int) values.get(index);
    }

    public void learn(int index, int crc32) {
        values.set(index, LEARNED | (crc32 & 0xffffffffL));
    }
}
