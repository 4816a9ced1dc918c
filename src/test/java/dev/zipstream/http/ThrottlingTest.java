package dev.zipstream.http;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;

import dev.zipstream.Fixtures;

/**
 * {@code NOT_FOUND_LIMIT} (30, the default) with this test's own address as the trusted proxy, so clients differ
 * by the {@code X-Forwarded-For} it appends. One client's 31st miss in a minute gets 429 with {@code Retry-After},
 * for a real folder too, while another client still downloads; the misses of every kind count alike and look
 * alike.
 */
@QuarkusTest
@TestProfile(ThrottlingTest.Throttled.class)
class ThrottlingTest {

    public static class Throttled implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("not.found.limit", "30", "trusted.proxies", "127.0.0.1,::1");
        }
    }

    /** The kinds of miss a guesser produces: all must be the same 404 and count the same. */
    static final List<String> MISSES = List.of("/archive/no_such_folder/", "/archive/bad.hash/",
            "/archive/outside_link/", "/archive/a/b/c", "/archive/%2e%2e/", "/archive/escape/", "/archive");

    @TestHTTPResource("/")
    URL base;

    @Test
    void theThirtyFirstMissIsRefusedWhileAnotherClientStillDownloads() throws Exception {
        Fixtures.root();
        double throttled = DownloadLifecycleTest.metric("archives_throttled_total");
        String guesser = "203.0.113.7";
        Set<String> bodies = new HashSet<>();
        for (int i = 0; i < 30; i++) {
            Response miss = given().header("X-Forwarded-For", guesser).get(MISSES.get(i % MISSES.size()));
            assertEquals(404, miss.statusCode(), "miss " + (i + 1) + " " + MISSES.get(i % MISSES.size()));
            bodies.add(miss.asString());
        }
        assertEquals(1, bodies.size(), "every kind of miss gives the same page: " + bodies);

        Response refused = given().header("X-Forwarded-For", guesser).accept("text/html").get("/archive/nope/");
        assertEquals(429, refused.statusCode(), "the 31st miss");
        int retryAfter = Integer.parseInt(refused.header("Retry-After"));
        assertTrue(retryAfter >= 1 && retryAfter <= 60, "Retry-After " + retryAfter);
        assertTrue(refused.asString().contains("Too many requests"), refused.asString());
        assertEquals(429, given().header("X-Forwarded-For", guesser).get("/archive/simple/").statusCode(),
                "a real folder is refused too");
        assertEquals(429, given().header("X-Forwarded-For", guesser).head("/archive/simple/").statusCode());
        assertEquals(429, given().header("X-Forwarded-For", "198.51.100.1, " + guesser).get("/archive/simple/")
                .statusCode(), "what the guesser writes left of the proxy's hop changes nothing");

        Response other = given().header("X-Forwarded-For", "203.0.113.8").get("/archive/simple/");
        assertEquals(200, other.statusCode(), "another client");
        assertEquals(Long.parseLong(other.header("Content-Length")), other.asByteArray().length);
        assertEquals(200, given().get("/archive/simple/").statusCode(), "the proxy's own address");
        assertEquals(200, given().header("X-Forwarded-For", guesser).get("/q/health/ready").statusCode(),
                "only archive requests are throttled");
        assertEquals(throttled + 4, DownloadLifecycleTest.metric("archives_throttled_total"));
    }

    /** A peer that is not a trusted proxy is the client, whatever X-Forwarded-For it sends. */
    @Test
    void anUntrustedPeerCannotPoseAsAnotherClient() throws Exception {
        Fixtures.root();
        for (int i = 0; i < 30; i++) {
            assertEquals(404, rawGet("127.0.0.2", "/archive/missing_" + i + "/", "203.0.113.50"));
        }
        assertEquals(429, rawGet("127.0.0.2", "/archive/simple/", "203.0.113.51"), "a new header, the same peer");
        assertEquals(200, given().header("X-Forwarded-For", "203.0.113.50").head("/archive/simple/").statusCode(),
                "the address it wrote is not the one throttled");
    }

    /** One request from a socket bound to {@code localAddress} (any 127/8 address is this machine); its status. */
    private int rawGet(String localAddress, String path, String forwardedFor) throws Exception {
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(localAddress, 0));
            socket.connect(new InetSocketAddress(base.getHost(), base.getPort()), 5000);
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("HEAD " + path + " HTTP/1.1\r\nHost: localhost\r\nX-Forwarded-For: " + forwardedFor
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String status = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
            assertTrue(status.startsWith("HTTP/1.1 "), status);
            return Integer.parseInt(status.substring(9, 12));
        }
    }
}
