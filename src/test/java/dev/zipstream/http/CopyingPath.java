package dev.zipstream.http;

import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/** The service with zero-copy turned off: every byte goes through the {@code Multi<Buffer>} copying path. */
public class CopyingPath implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("zero.copy", "false");
    }
}
