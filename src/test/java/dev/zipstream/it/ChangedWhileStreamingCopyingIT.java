package dev.zipstream.it;

import java.util.Map;

/** The same changes mid-stream on the copying path ({@code ZERO_COPY=false}), where files are read, not sent. */
class ChangedWhileStreamingCopyingIT extends ChangedWhileStreamingIT {

    @Override
    Map<String, String> settings() {
        return Map.of("ZERO_COPY", "false");
    }
}
