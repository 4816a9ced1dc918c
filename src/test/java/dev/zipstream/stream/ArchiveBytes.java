package dev.zipstream.stream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.concurrent.Executor;

import io.vertx.core.buffer.Buffer;

import dev.zipstream.crc.CrcMemory;
import dev.zipstream.crc.CrcService;
import dev.zipstream.plan.ArchivePlan;

/** Test helper: a planned archive's bytes, made by the same cursor and chunk reader the service streams with. */
public final class ArchiveBytes {

    private static final Executor INLINE = Runnable::run;

    private ArchiveBytes() {
    }

    public static CrcService newCrcService() {
        return new CrcService(new CrcMemory(1000, 1 << 20), null, INLINE);
    }

    public static byte[] of(ArchivePlan plan) throws IOException {
        return of(plan, ByteRange.whole(plan.length()), newCrcService());
    }

    public static byte[] of(ArchivePlan plan, ByteRange range, CrcService crcs) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ChunkReader reader = new ChunkReader(new ArchiveCursor(plan, range, crcs), 8192)) {
            for (Buffer chunk = reader.next(); chunk != null; chunk = reader.next()) {
                out.write(chunk.getBytes());
            }
        }
        return out.toByteArray();
    }
}
