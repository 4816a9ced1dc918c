package dev.zipstream.crc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The memory tier keeps within both bounds, and a changed stamp never matches. */
class CrcMemoryTest {

    private static CrcKey key(int i) {
        return new CrcKey("folder", "file-" + i + ".jpg", i + ":1:2:3");
    }

    @Test
    void theEntryBoundHolds() {
        CrcMemory memory = new CrcMemory(100, 1 << 30);
        for (int i = 0; i < 1000; i++) {
            memory.put(key(i), i);
        }
        assertTrue(memory.size() <= 100, memory.size() + " entries");
    }

    @Test
    void theByteBoundHolds() {
        long oneEntry = CrcMemory.cost(key(0));
        CrcMemory memory = new CrcMemory(1_000_000, 50 * oneEntry);
        for (int i = 0; i < 1000; i++) {
            memory.put(key(i), i);
        }
        assertTrue(memory.size() <= 50, memory.size() + " entries");
    }

    @Test
    void aHitNeedsTheSameStamp() {
        CrcMemory memory = new CrcMemory(10, 1 << 20);
        memory.put(key(1), 99);
        assertEquals(99, memory.get(key(1)));
        assertNull(memory.get(new CrcKey("folder", "file-1.jpg", "1:1:2:4")));
    }

    @Test
    void zeroTurnsItOff() {
        CrcMemory memory = new CrcMemory(0, 1 << 20);
        memory.put(key(1), 99);
        assertNull(memory.get(key(1)));
    }
}
