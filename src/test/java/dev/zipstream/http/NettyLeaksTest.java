package dev.zipstream.http;

import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.logging.Logger;

import org.junit.jupiter.api.Test;

import io.netty.buffer.PooledByteBufAllocator;

/** The leak check the robustness tests rely on does see a leak (so their "no leak" means something). */
class NettyLeaksTest {

    @Test
    void aBufferNeverReleasedIsReported() throws InterruptedException {
        // The leak below is on purpose: its report goes to NettyLeaks only, not to the build's console, where an
        // ERROR "LEAK:" line would read as a real one.
        Logger detector = Logger.getLogger("io.netty.util.ResourceLeakDetector");
        boolean toConsole = detector.getUseParentHandlers();
        detector.setUseParentHandlers(false);
        try (NettyLeaks leaks = new NettyLeaks()) {
            leakOneBuffer();
            assertFalse(leaks.reports().isEmpty(), "Netty's paranoid leak detector reports the dropped buffer");
        } finally {
            detector.setUseParentHandlers(toConsole);
        }
    }

    /** A pooled buffer dropped without release, in its own frame so nothing keeps it reachable. */
    private static void leakOneBuffer() {
        PooledByteBufAllocator.DEFAULT.directBuffer(4096).writeInt(42);
    }
}
