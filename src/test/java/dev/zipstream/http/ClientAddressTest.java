package dev.zipstream.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

/** Who the client is: the peer, or the right-most untrusted hop of X-Forwarded-For behind a trusted proxy. */
class ClientAddressTest {

    private final ClientAddress behindProxies = new ClientAddress(List.of("127.0.0.1", "10.0.0.0/8", "fd00::/8"));

    @Test
    void withoutTrustedProxiesTheHeaderIsIgnored() {
        ClientAddress direct = new ClientAddress(List.of());
        assertEquals("192.0.2.1", direct.of("192.0.2.1", List.of("198.51.100.9")));
        assertEquals("127.0.0.1", direct.of("127.0.0.1", List.of("198.51.100.9")));
    }

    @Test
    void anUntrustedPeerIsTheClientWhateverItSends() {
        assertEquals("192.0.2.1", behindProxies.of("192.0.2.1", List.of("10.1.1.1")));
    }

    @Test
    void behindTrustedProxiesTheRightMostUntrustedHopIsTheClient() {
        assertEquals("198.51.100.9", behindProxies.of("127.0.0.1", List.of("198.51.100.9")));
        assertEquals("198.51.100.9", behindProxies.of("127.0.0.1", List.of("203.0.113.5, 198.51.100.9, 10.2.3.4")),
                "what the client wrote itself stays on the left");
        assertEquals("198.51.100.9", behindProxies.of("10.0.0.7", List.of("203.0.113.5", "198.51.100.9,10.2.3.4")),
                "several header lines are one list");
        assertEquals("10.9.9.9", behindProxies.of("127.0.0.1", List.of("10.9.9.9, 10.2.3.4")),
                "only proxies: the left-most");
        assertEquals("10.2.3.4", behindProxies.of("127.0.0.1", List.of("garbage, 10.2.3.4")),
                "garbage: the last hop believed");
        assertEquals("127.0.0.1", behindProxies.of("127.0.0.1", List.of()), "no header: the proxy itself");
        assertEquals("127.0.0.1", behindProxies.of("127.0.0.1", List.of("host.example:80")), "never a DNS name");
    }

    @Test
    void ipv6ClientsAreTheirSlash64() {
        assertEquals("2001:db8:1:2:0:0:0:0/64", behindProxies.of("fd00::1", List.of("2001:db8:1:2:aaaa::1")));
        assertEquals(behindProxies.of("2001:db8:1:2::1", List.of()), behindProxies.of("2001:db8:1:2::ffff",
                List.of()));
        assertEquals("192.0.2.1", behindProxies.of("::ffff:192.0.2.1", List.of()), "IPv4-mapped");
    }

    @Test
    void rangesParseStrictly() {
        assertTrue(AddressRange.parse("10.0.0.0/8").contains(new byte[] {10, 20, 30, 40}));
        assertFalse(AddressRange.parse("10.0.0.0/8").contains(new byte[] {11, 0, 0, 1}));
        assertTrue(AddressRange.parse("192.168.4.0/22").contains(new byte[] {(byte) 192, (byte) 168, 7, 1}));
        assertFalse(AddressRange.parse("192.168.4.0/22").contains(new byte[] {(byte) 192, (byte) 168, 8, 1}));
        assertTrue(AddressRange.parse("0.0.0.0/0").contains(new byte[] {1, 2, 3, 4}));
        for (String bad : new String[] {"localhost", "10.0.0.0/33", "10.0.0/8", "256.1.1.1", "::1/129", "10.0.0.0/x",
            ""}) {
            assertThrows(IllegalArgumentException.class, () -> AddressRange.parse(bad), bad);
        }
    }
}
