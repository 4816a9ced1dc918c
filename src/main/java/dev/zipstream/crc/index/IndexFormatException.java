package dev.zipstream.crc.index;

import java.io.IOException;

/** An index file that cannot be used: truncated, corrupt, of another folder, or from a newer format. */
public final class IndexFormatException extends IOException {

    public IndexFormatException(String message) {
        super(message);
    }
}
