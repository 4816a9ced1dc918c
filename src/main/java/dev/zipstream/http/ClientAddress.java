package dev.zipstream.http;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Who a request comes from, for throttling. It is the peer address, unless the peer is one of
 * {@code TRUSTED_PROXIES}: then {@code X-Forwarded-For} is read from the right (each proxy appends the address it
 * was reached from) and the first address that is not a trusted proxy is the client. Whatever a client writes
 * into the header itself stays to the left of what the proxies appended, so it cannot pose as someone else.
 *
 * <p>An IPv6 client is its /64 network: one host usually has a whole /64 to pick addresses from.
 */
public final class ClientAddress {

    private final List<AddressRange> trusted;

    public ClientAddress(List<String> trustedProxies) {
        List<AddressRange> ranges = new ArrayList<>();
        for (String proxy : trustedProxies) {
            ranges.add(AddressRange.parse(proxy));
        }
        this.trusted = List.copyOf(ranges);
    }

    /**
     * The client's key: an IPv4 address, or an IPv6 /64 network.
     *
     * @param peer the address the connection comes from (as Vert.x gives it), or null (a Unix socket)
     * @param forwardedFor every {@code X-Forwarded-For} header value, in order
     */
    public String of(String peer, List<String> forwardedFor) {
        byte[] client = AddressRange.literal(peer == null ? "" : peer);
        if (client == null) {
            return String.valueOf(peer);
        }
        if (isTrusted(client) && !forwardedFor.isEmpty()) {
            List<String> hops = new ArrayList<>();
            for (String value : forwardedFor) {
                hops.addAll(Arrays.asList(value.split(",")));
            }
            for (int i = hops.size() - 1; i >= 0; i--) {
                byte[] hop = AddressRange.literal(hops.get(i).trim());
                if (hop == null) {
                    break; // garbage: the last proxy we believe saw the client here
                }
                client = hop;
                if (!isTrusted(hop)) {
                    break;
                }
            }
        }
        return key(client);
    }

    private boolean isTrusted(byte[] address) {
        for (AddressRange range : trusted) {
            if (range.contains(address)) {
                return true;
            }
        }
        return false;
    }

    private static String key(byte[] address) {
        try {
            if (address.length == 16) {
                byte[] network = Arrays.copyOf(Arrays.copyOf(address, 8), 16);
                return InetAddress.getByAddress(network).getHostAddress() + "/64";
            }
            return InetAddress.getByAddress(address).getHostAddress();
        } catch (UnknownHostException impossible) {
            throw new IllegalStateException(impossible);
        }
    }
}
