package dev.zipstream.http;

import java.util.Optional;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.handler.codec.http.HttpContentCompressor;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.traffic.AbstractTrafficShapingHandler;
import io.netty.util.concurrent.EventExecutor;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.impl.Http1xServerConnection;

/**
 * The one place that reaches into Vert.x internals: the Netty channel under a plain HTTP/1.x response, where file
 * regions ({@code sendfile}) and buffers can be written after the response head, the way
 * {@code Http1xServerResponse.sendFile} does it. Netty's HTTP/1.1 encoder passes both through untouched while a
 * response with a {@code Content-Length} is open.
 *
 * <p>Only offered where that holds: HTTP/1.x, no TLS, no traffic shaping, no response compression. Anything
 * else takes the copying path.
 */
final class ZeroCopyChannel {

    private final ChannelHandlerContext context;

    private ZeroCopyChannel(ChannelHandlerContext context) {
        this.context = context;
    }

    static Optional<ZeroCopyChannel> of(HttpServerRequest request) {
        if (!(request.connection() instanceof Http1xServerConnection connection)) {
            return Optional.empty();
        }
        ChannelHandlerContext context = connection.channelHandlerContext();
        var pipeline = context.pipeline();
        if (pipeline.get(SslHandler.class) != null || pipeline.get(AbstractTrafficShapingHandler.class) != null
                || pipeline.get(HttpContentCompressor.class) != null) {
            return Optional.empty();
        }
        return Optional.of(new ZeroCopyChannel(context));
    }

    EventExecutor eventLoop() {
        return context.executor();
    }

    ByteBufAllocator allocator() {
        return context.alloc();
    }

    /**
     * Queues a {@code ByteBuf} or {@code FileRegion}, taking ownership: Netty releases it once written or failed.
     * Call on the event loop, after the response head was written. The listener may run inside this call.
     */
    void write(Object message, ChannelFutureListener listener) {
        context.write(message, context.newPromise().addListener(listener));
    }

    /** Sends what was queued: one flush per batch, so small pieces leave in as few segments as possible. */
    void flush() {
        context.flush();
    }

    /**
     * {@code TCP_CORK} (nginx's {@code tcp_nopush}) for the length of a body: the kernel then sends only full
     * segments, so a response head or a local header written between two files never leaves as a small segment
     * of its own; taking the cork off sends what is left at once. On Netty's epoll transport only (elsewhere a
     * no-op). Call on the event loop.
     */
    void cork(boolean on) {
        if (corks() && context.channel().isOpen()) {
            try {
                ((EpollSocketChannel) context.channel()).config().setTcpCork(on);
            } catch (ChannelException closedMeanwhile) {
                // The peer reset the connection: nothing is left to send or to hold back.
            }
        }
    }

    /** Whether {@link #cork} does anything here. */
    boolean corks() {
        return context.channel() instanceof EpollSocketChannel;
    }
}
