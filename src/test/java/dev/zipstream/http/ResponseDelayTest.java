package dev.zipstream.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

import dev.zipstream.Fixtures;

/** {@code RESPONSE_DELAY} really spaces the chunks: with 0.3 s and 4 KiB chunks, bytes arrive in paced bursts. */
@QuarkusTest
@TestProfile(ResponseDelayTest.Paced.class)
class ResponseDelayTest {

    static final double DELAY_SECONDS = 0.3;

    public static class Paced implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("response.delay", String.valueOf(DELAY_SECONDS), "chunk.size", "4096");
        }
    }

    @TestHTTPResource("/archive/tiny/")
    URL tiny;

    @Test
    void chunksArriveSpacedByTheDelay() throws Exception {
        Fixtures.root();
        HttpURLConnection connection = (HttpURLConnection) tiny.openConnection();
        long length = connection.getContentLengthLong();
        long chunks = (length + 4095) / 4096;
        List<Long> arrivals = new ArrayList<>();
        long start = System.nanoTime();
        long total = 0;
        try (InputStream in = connection.getInputStream()) {
            byte[] buffer = new byte[65536];
            for (int n; (n = in.read(buffer)) > 0; total += n) {
                arrivals.add(System.nanoTime() - start);
            }
        }
        assertEquals(length, total);
        assertTrue(chunks >= 3, "the sample spans several chunks");
        double elapsed = arrivals.get(arrivals.size() - 1) / 1e9;
        assertTrue(elapsed >= (chunks - 1) * DELAY_SECONDS * 0.9,
                "last byte after " + elapsed + " s for " + chunks + " chunks at " + DELAY_SECONDS + " s");
        long gaps = 0;
        for (int i = 1; i < arrivals.size(); i++) {
            if (arrivals.get(i) - arrivals.get(i - 1) >= DELAY_SECONDS * 0.8e9) {
                gaps++;
            }
        }
        assertTrue(gaps >= chunks - 2, "reads separated by the delay: " + gaps + " of " + chunks);
    }
}
