package dev.zipstream.it;

import java.util.Map;

import org.junit.jupiter.api.BeforeAll;

/** The same changes mid-stream on the copying path ({@code ZERO_COPY=false}), where files are read, not sent. */
class ChangedWhileStreamingCopyingIT extends ChangedWhileStreamingIT {

    /** Hides the parent's start: this class runs against a service with zero-copy turned off. */
    @BeforeAll
    static void start() throws Exception {
        startWith(Map.of("ZERO_COPY", "false"));
    }
}
