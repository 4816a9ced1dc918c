package dev.zipstream.crc;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A file no longer matches the plan its archive was announced with (size, time or identity changed, or it is
 * gone). The archive being sent can no longer be completed correctly and must be aborted.
 */
public final class FileChangedException extends IOException {

    public FileChangedException(Path file, String what) {
        super(file + " " + what + " while its archive was being sent");
    }
}
