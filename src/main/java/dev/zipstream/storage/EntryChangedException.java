package dev.zipstream.storage;

import java.io.IOException;

/**
 * An entry no longer matches the plan its archive was announced with (size, time, identity or ETag changed, or it
 * is gone). The archive being sent can no longer be completed correctly and must be aborted.
 */
public final class EntryChangedException extends IOException {

    public EntryChangedException(String location, String what) {
        super(location + " " + what + " while its archive was being sent");
    }
}
