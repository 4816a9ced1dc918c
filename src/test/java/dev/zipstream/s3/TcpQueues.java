package dev.zipstream.s3;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Bytes the Linux kernel holds in the socket buffers of loopback TCP connections to or from one port, read from
 * {@code /proc/net/tcp} and {@code /proc/net/tcp6}: what was written on the port's side and not yet acknowledged
 * ({@code tx_queue} of the sockets bound to it) plus what arrived at the other side and was not yet read
 * ({@code rx_queue} of the sockets connected to it). Together, the bytes in transit from the port's side.
 */
final class TcpQueues {

    private static final List<Path> TABLES = List.of(Path.of("/proc/net/tcp"), Path.of("/proc/net/tcp6"));

    private static final String LISTEN = "0A";

    private TcpQueues() {
    }

    static boolean available() {
        return Files.isReadable(TABLES.get(0));
    }

    /** Bytes in transit from the sockets on {@code port} to their peers on this machine. */
    static long inTransitFrom(int port) {
        long bytes = 0;
        for (Path table : TABLES) {
            if (!Files.isReadable(table)) {
                continue;
            }
            List<String> lines;
            try {
                lines = Files.readAllLines(table);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            for (String line : lines.subList(1, lines.size())) {
                String[] fields = line.trim().split("\\s+");
                if (fields[3].equals(LISTEN)) {
                    continue; // a listening socket's queue is its accept backlog, not bytes
                }
                String[] queues = fields[4].split(":");
                if (port(fields[1]) == port) {
                    bytes += Long.parseLong(queues[0], 16); // sent from the port, not yet acknowledged
                }
                if (port(fields[2]) == port) {
                    bytes += Long.parseLong(queues[1], 16); // received from the port, not yet read
                }
            }
        }
        return bytes;
    }

    private static int port(String address) {
        return Integer.parseInt(address.substring(address.indexOf(':') + 1), 16);
    }
}
