package dev.zipstream.http;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;

/**
 * Collects Netty's leak reports (surefire runs with {@code io.netty.leakDetection.level=paranoid}). A report comes
 * when a leaked buffer has been collected and the detector next tracks an allocation, hence {@link #reports()}
 * first runs the collector and allocates a few buffers.
 */
final class NettyLeaks implements AutoCloseable {

    private static final Logger DETECTOR = Logger.getLogger("io.netty.util.ResourceLeakDetector");

    private final ConcurrentLinkedQueue<String> reports = new ConcurrentLinkedQueue<>();
    private final Handler listener = new Handler() {
        @Override
        public void publish(LogRecord record) {
            String message = record.getMessage();
            if (message != null && message.contains("LEAK")) {
                reports.add(message);
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    NettyLeaks() {
        DETECTOR.addHandler(listener);
    }

    List<String> reports() throws InterruptedException {
        for (int round = 0; round < 3 && reports.isEmpty(); round++) {
            System.gc();
            Thread.sleep(50);
            for (int i = 0; i < 64; i++) {
                ByteBuf probe = PooledByteBufAllocator.DEFAULT.directBuffer(1024);
                probe.release();
            }
        }
        return List.copyOf(reports);
    }

    @Override
    public void close() {
        DETECTOR.removeHandler(listener);
    }
}
