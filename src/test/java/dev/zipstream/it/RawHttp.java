package dev.zipstream.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * HTTP/1.1 written byte for byte, for requests no well-behaved client would send (any request-target, any header
 * value): one request per connection ({@code Connection: close}), the whole response read to the end.
 */
final class RawHttp {

    private RawHttp() {
    }

    /** A response: status, headers (names in lower case, the first value), body (what followed the head). */
    record Response(int status, Map<String, String> headers, byte[] body) {
        String header(String name) {
            return headers.get(name);
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    static Response send(int port, String method, String target, List<String[]> headers) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            socket.setSoTimeout(30_000);
            ByteArrayOutputStream request = new ByteArrayOutputStream();
            request.writeBytes((method + " ").getBytes(StandardCharsets.US_ASCII));
            request.writeBytes(target.getBytes(StandardCharsets.UTF_8));
            request.writeBytes(" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n".getBytes(StandardCharsets.US_ASCII));
            for (String[] header : headers) {
                request.writeBytes((header[0] + ": ").getBytes(StandardCharsets.US_ASCII));
                request.writeBytes(header[1].getBytes(StandardCharsets.UTF_8));
                request.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            request.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().write(request.toByteArray());
            InputStream in = socket.getInputStream();
            byte[] all = in.readAllBytes();
            int end = indexOf(all, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            if (end < 0) {
                throw new IOException("no complete response head: " + new String(all, StandardCharsets.ISO_8859_1));
            }
            String[] lines = new String(all, 0, end, StandardCharsets.ISO_8859_1).split("\r\n");
            Map<String, String> names = new HashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                if (colon > 0) {
                    names.putIfAbsent(lines[i].substring(0, colon).trim().toLowerCase(),
                            lines[i].substring(colon + 1).trim());
                }
            }
            return new Response(Integer.parseInt(lines[0].substring(9, 12)), names,
                    Arrays.copyOfRange(all, end + 4, all.length));
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
