package dev.zipstream.s3;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on loopback in front of S3Proxy, for the tests that need S3 to misbehave or to be watched. It
 * forwards raw bytes both ways, so SigV4 signatures stay valid (the client signs the proxy's host and port, and
 * S3Proxy checks the request as received). It parses what it needs to see on each keep-alive connection: every
 * request head (to tell an object GET, {@code GET /bucket/key} with a {@code Range}, from a listing or a HEAD) and
 * every response's framing ({@code Content-Length}, chunked, or none), so it knows when an object's response has
 * ended or was cut short. It can answer the next object GETs itself with a real S3 throttling error
 * ({@code 503 SlowDown}, then {@code Connection: close}), and it counts the bytes it forwards from S3Proxy.
 */
final class FaultyS3Proxy implements AutoCloseable {

    /** Small buffers on the proxy's own sockets: little of what it counts as forwarded waits in the proxy. */
    static final int SOCKET_BUFFER = 64 * 1024;

    private static final byte[] SLOW_DOWN_BODY = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error>"
            + "<Code>SlowDown</Code><Message>Please reduce your request rate.</Message>"
            + "<RequestId>FAULTYPROXY</RequestId><HostId>faulty-s3-proxy</HostId></Error>")
            .getBytes(StandardCharsets.UTF_8);

    private final int upstreamPort;
    private final ServerSocket listener;
    private final ExecutorService threads = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "faulty-s3-proxy");
        thread.setDaemon(true);
        return thread;
    });
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    private final AtomicInteger toThrottle = new AtomicInteger();
    private final AtomicInteger slowDowns = new AtomicInteger();
    private final AtomicInteger objectGets = new AtomicInteger();
    private final AtomicInteger objectResponsesOpen = new AtomicInteger();
    private final AtomicInteger objectResponsesCut = new AtomicInteger();
    private final AtomicLong responseBytes = new AtomicLong();
    private volatile boolean closed;

    private FaultyS3Proxy(int upstreamPort) throws IOException {
        this.upstreamPort = upstreamPort;
        this.listener = new ServerSocket();
        listener.setReceiveBufferSize(SOCKET_BUFFER); // inherited by accepted sockets
        listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    /** Listens on a free loopback port and forwards to {@code 127.0.0.1:upstreamPort}. */
    static FaultyS3Proxy start(int upstreamPort) throws IOException {
        FaultyS3Proxy proxy = new FaultyS3Proxy(upstreamPort);
        proxy.threads.execute(proxy::accept);
        return proxy;
    }

    String endpoint() {
        return "http://127.0.0.1:" + port();
    }

    int port() {
        return listener.getLocalPort();
    }

    /** The next {@code count} object GETs are answered {@code 503 SlowDown} ({@link Integer#MAX_VALUE}: all). */
    void throttleObjectGets(int count) {
        toThrottle.set(count);
    }

    /** {@code 503 SlowDown} answers given so far. */
    int slowDowns() {
        return slowDowns.get();
    }

    /** Object GETs forwarded to S3Proxy so far. */
    int objectGets() {
        return objectGets.get();
    }

    /** Object GETs forwarded whose response has neither ended nor been cut short. */
    int objectResponsesOpen() {
        return objectResponsesOpen.get();
    }

    /** Object responses whose connection closed before their last byte (aborted GETs). */
    int objectResponsesCut() {
        return objectResponsesCut.get();
    }

    /** Bytes forwarded from S3Proxy to the client (heads and bodies), counted once written to the client. */
    long responseBytes() {
        return responseBytes.get();
    }

    private void accept() {
        while (!closed) {
            try {
                Socket client = listener.accept();
                threads.execute(() -> serve(client));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    /** One client connection: requests are read here, responses pumped on another thread. */
    private void serve(Socket client) {
        Connection connection;
        try {
            client.setSendBufferSize(SOCKET_BUFFER);
            Socket server = new Socket();
            server.setReceiveBufferSize(SOCKET_BUFFER);
            server.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), upstreamPort));
            connection = new Connection(client, server);
            connections.add(connection);
        } catch (IOException e) {
            closeQuietly(client);
            return;
        }
        threads.execute(connection::pumpResponses);
        connection.pumpRequests();
    }

    /** A request forwarded: its response's framing depends on the method, its tracking on the kind. */
    private final class Sent {
        /** A HEAD request, whose response has no body whatever its Content-Length says. */
        final boolean headMethod;
        final boolean objectGet;
        private final AtomicBoolean settled = new AtomicBoolean();

        Sent(boolean headMethod, boolean objectGet) {
            this.headMethod = headMethod;
            this.objectGet = objectGet;
            if (objectGet) {
                objectGets.incrementAndGet();
                objectResponsesOpen.incrementAndGet();
            }
        }

        /** The response ended ({@code cut}: its connection closed first); counted once, from either pump. */
        void settle(boolean cut) {
            if (objectGet && settled.compareAndSet(false, true)) {
                objectResponsesOpen.decrementAndGet();
                if (cut) {
                    objectResponsesCut.incrementAndGet();
                }
            }
        }
    }

    /** A client connection and its own connection to S3Proxy. */
    private final class Connection {
        final Socket client;
        final Socket server;
        final OutputStream toClient;
        /** Requests forwarded whose responses have not begun (HTTP/1.1 answers in order). */
        final LinkedBlockingQueue<Sent> waiting = new LinkedBlockingQueue<>();
        /** Every request forwarded on this connection, for the end to settle what did not end. */
        final ConcurrentLinkedQueue<Sent> sent = new ConcurrentLinkedQueue<>();
        final AtomicBoolean ended = new AtomicBoolean();

        Connection(Socket client, Socket server) throws IOException {
            this.client = client;
            this.server = server;
            this.toClient = client.getOutputStream();
        }

        void pumpRequests() {
            try (InputStream in = new BufferedInputStream(client.getInputStream());
                    OutputStream out = server.getOutputStream()) {
                for (Head request; (request = Head.read(in)) != null;) {
                    String[] line = request.firstLine().split(" ");
                    String method = line[0];
                    boolean objectGet = "GET".equals(method) && request.header("range") != null
                            && isObjectPath(line.length > 1 ? line[1] : "");
                    if (objectGet && toThrottle.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
                        slowDown();
                        return;
                    }
                    Sent forwarded = new Sent("HEAD".equals(method), objectGet);
                    sent.add(forwarded);
                    waiting.add(forwarded);
                    out.write(request.bytes());
                    forwardBody(request, in, out, false);
                    out.flush();
                }
            } catch (IOException e) {
                // the client or S3Proxy closed the connection
            } finally {
                end();
            }
        }

        void pumpResponses() {
            try (InputStream in = new BufferedInputStream(server.getInputStream())) {
                for (Head response; (response = Head.read(in)) != null;) {
                    int status = Integer.parseInt(response.firstLine().split(" ")[1]);
                    if (status / 100 == 1) {
                        forward(response.bytes());
                        continue; // 100 Continue: the final response follows
                    }
                    Sent answered = waiting.take();
                    forward(response.bytes());
                    boolean body = !answered.headMethod && status != 204 && status != 304;
                    if (!body || forwardBody(response, in, toClient, true)) {
                        answered.settle(false);
                        sent.remove(answered);
                    }
                }
            } catch (IOException | InterruptedException | RuntimeException e) {
                // the client or S3Proxy closed the connection
            } finally {
                end();
            }
        }

        /** Answers like S3 under load, then closes, as S3 says it will. */
        private void slowDown() throws IOException {
            String head = "HTTP/1.1 503 Slow Down\r\nContent-Type: application/xml\r\nContent-Length: "
                    + SLOW_DOWN_BODY.length + "\r\nx-amz-request-id: FAULTYPROXY\r\nConnection: close\r\n\r\n";
            synchronized (toClient) {
                toClient.write(head.getBytes(StandardCharsets.US_ASCII));
                toClient.write(SLOW_DOWN_BODY);
                toClient.flush();
            }
            slowDowns.incrementAndGet();
            client.shutdownOutput();
        }

        /**
         * Forwards a message's body by its framing; true once it ended (false: the connection ended first, for
         * a body delimited by the end of the connection, too).
         */
        private boolean forwardBody(Head head, InputStream in, OutputStream out, boolean counted) throws IOException {
            String length = head.header("content-length");
            String encoding = head.header("transfer-encoding");
            if (encoding != null && encoding.toLowerCase(Locale.ROOT).contains("chunked")) {
                for (;;) {
                    String sizeLine = readLine(in);
                    copy((sizeLine + "\r\n").getBytes(StandardCharsets.US_ASCII), out, counted);
                    long size = Long.parseLong(sizeLine.split(";")[0].trim(), 16);
                    if (size == 0) {
                        for (String trailer; !(trailer = readLine(in)).isEmpty();) {
                            copy((trailer + "\r\n").getBytes(StandardCharsets.US_ASCII), out, counted);
                        }
                        copy("\r\n".getBytes(StandardCharsets.US_ASCII), out, counted);
                        return true;
                    }
                    if (!copy(in, out, size + 2, counted)) {
                        return false;
                    }
                }
            }
            if (length != null) {
                return copy(in, out, Long.parseLong(length.trim()), counted);
            }
            if (!counted) {
                return true; // a request without a length has no body
            }
            copy(in, out, Long.MAX_VALUE, true);
            return false;
        }

        private boolean copy(InputStream in, OutputStream out, long count, boolean counted) throws IOException {
            byte[] buffer = new byte[16 * 1024];
            long left = count;
            while (left > 0) {
                int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                if (n < 0) {
                    return false;
                }
                write(out, buffer, n, counted);
                left -= n;
            }
            return true;
        }

        private void copy(byte[] bytes, OutputStream out, boolean counted) throws IOException {
            write(out, bytes, bytes.length, counted);
        }

        private void forward(byte[] bytes) throws IOException {
            write(toClient, bytes, bytes.length, true);
        }

        private void write(OutputStream out, byte[] bytes, int length, boolean counted) throws IOException {
            if (counted) {
                synchronized (toClient) {
                    out.write(bytes, 0, length);
                }
                responseBytes.addAndGet(length);
            } else {
                out.write(bytes, 0, length);
            }
        }

        /** Both sockets closed; a response that has not ended was cut short. Called by both pumps as they end. */
        void end() {
            if (ended.compareAndSet(false, true)) {
                closeQuietly(client);
                closeQuietly(server);
                connections.remove(this);
            }
            sent.forEach(request -> request.settle(true));
        }
    }

    /** The head of a request or response: its first line, its raw bytes, and header lookup. */
    private record Head(String firstLine, byte[] bytes, String text) {

        /** CR LF CR LF as the last four bytes read. */
        static final int END_OF_HEAD = 0x0D0A0D0A;

        /** Reads up to the empty line; null at the end of the connection before a head begins. */
        static Head read(InputStream in) throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream(512);
            int last4 = 0;
            while (last4 != END_OF_HEAD) {
                int c = in.read();
                if (c < 0) {
                    if (head.size() == 0) {
                        return null;
                    }
                    throw new IOException("connection ended inside a head");
                }
                head.write(c);
                last4 = last4 << 8 | c;
            }
            byte[] bytes = head.toByteArray();
            String text = new String(bytes, StandardCharsets.ISO_8859_1);
            return new Head(text.substring(0, text.indexOf("\r\n")), bytes, text);
        }

        String header(String name) {
            for (String line : text.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
                    return line.substring(colon + 1).trim();
                }
            }
            return null;
        }
    }

    /** {@code /bucket/key...} (a key below a bucket), not {@code /bucket} or {@code /bucket?list-type=2}. */
    static boolean isObjectPath(String target) {
        String path = target.split("\\?", 2)[0];
        int slash = path.indexOf('/', 1);
        return path.startsWith("/") && slash > 1 && slash < path.length() - 1;
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c; (c = in.read()) != '\n';) {
            if (c < 0) {
                throw new IOException("connection ended inside a chunk header");
            }
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // closing what is already broken
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            listener.close();
        } catch (IOException e) {
            // already closed
        }
        connections.forEach(Connection::end);
        threads.shutdownNow();
    }
}
