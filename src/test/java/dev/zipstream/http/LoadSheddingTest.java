package dev.zipstream.http;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.OutputStream;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

import dev.zipstream.Fixtures;

/** {@code MAX_CONCURRENT_DOWNLOADS}: past the limit, 503 with Retry-After and a clear page, counted. */
@QuarkusTest
@TestProfile(LoadSheddingTest.TwoAtOnce.class)
class LoadSheddingTest {

    public static class TwoAtOnce implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("max.concurrent.downloads", "2");
        }
    }

    @TestHTTPResource("/")
    URL base;

    @Inject
    DownloadSlots slots;

    @Test
    void thirdConcurrentDownloadIsTurnedAwayUntilOneEnds() throws Exception {
        Fixtures.root();
        double rejected = DownloadLifecycleTest.metric("archives_rejected_total");
        List<Socket> stalled = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                Socket socket = new Socket(base.getHost(), base.getPort());
                socket.setReceiveBufferSize(8 * 1024);
                OutputStream out = socket.getOutputStream();
                out.write("GET /archive/big/ HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                socket.getInputStream().read();
                stalled.add(socket);
            }
            DownloadLifecycleTest.awaitMetric("archives_active", 2);
            given().accept("text/html").get("/archive/simple/").then()
                    .statusCode(503)
                    .header("Retry-After", "30")
                    .body(containsString("Too many downloads"));
            given().head("/archive/simple/").then().statusCode(200);
            DownloadLifecycleTest.awaitMetric("archives_rejected_total", rejected + 1);
        } finally {
            for (Socket socket : stalled) {
                socket.close();
            }
        }
        DownloadLifecycleTest.awaitMetric("archives_active", 0);
        awaitSlotsGivenBack(); // on the exchange's end, which may come a moment after the download's gauge
        given().get("/archive/simple/").then().statusCode(200);
    }

    private void awaitSlotsGivenBack() throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (slots.taken() != 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(0, slots.taken(), "download slots still taken after both downloads ended");
    }
}
