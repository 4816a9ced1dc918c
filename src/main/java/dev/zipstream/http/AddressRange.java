package dev.zipstream.http;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * One entry of {@code TRUSTED_PROXIES}: an IPv4 or IPv6 address, or a CIDR block ({@code 10.0.0.0/8},
 * {@code fd00::/8}). Only literal addresses are accepted, so parsing never asks DNS. An IPv4-mapped IPv6 address
 * ({@code ::ffff:10.0.0.1}) is the IPv4 address it maps.
 */
public record AddressRange(byte[] network, int prefixLength) {

    public static AddressRange parse(String text) {
        String trimmed = text.trim();
        int slash = trimmed.indexOf('/');
        byte[] address = literal(slash < 0 ? trimmed : trimmed.substring(0, slash));
        if (address == null) {
            throw new IllegalArgumentException("'" + text + "' is not an IP address or CIDR block");
        }
        int bits = address.length * 8;
        int prefix = bits;
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(trimmed.substring(slash + 1));
            } catch (NumberFormatException e) {
                prefix = -1;
            }
            if (prefix < 0 || prefix > bits) {
                throw new IllegalArgumentException("'" + text + "' has a prefix length outside 0-" + bits);
            }
        }
        return new AddressRange(address, prefix);
    }

    /**
     * The bytes of a literal IP address (4 or 16), or null when the text is not one. Never a DNS lookup: IPv4 is
     * parsed here (four decimal octets), and the JDK parses text with a colon as an IPv6 literal or refuses it.
     */
    static byte[] literal(String text) {
        if (text.indexOf(':') >= 0) {
            if (!text.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == '.' || c == ':')) {
                return null;
            }
            try {
                return InetAddress.getByName(text).getAddress();
            } catch (UnknownHostException e) {
                return null;
            }
        }
        String[] octets = text.split("\\.", -1);
        if (octets.length != 4) {
            return null;
        }
        byte[] address = new byte[4];
        for (int i = 0; i < 4; i++) {
            String octet = octets[i];
            if (octet.isEmpty() || octet.length() > 3 || !octet.chars().allMatch(c -> c >= '0' && c <= '9')) {
                return null;
            }
            int value = Integer.parseInt(octet);
            if (value > 255) {
                return null;
            }
            address[i] = (byte) value;
        }
        return address;
    }

    public boolean contains(byte[] address) {
        if (address == null || address.length != network.length) {
            return false;
        }
        int full = prefixLength / 8;
        for (int i = 0; i < full; i++) {
            if (address[i] != network[i]) {
                return false;
            }
        }
        int rest = prefixLength % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xFF << (8 - rest)) & 0xFF;
        return (address[full] & mask) == (network[full] & mask);
    }
}
