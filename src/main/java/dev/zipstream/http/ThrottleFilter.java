package dev.zipstream.http;

import java.util.OptionalLong;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;

import dev.zipstream.observability.ArchiveMetrics;

/**
 * Link guessing, slowed down: every not-found answer under {@code /archive} counts against its client (a malformed
 * hash, a missing folder, a link out of the root and an unknown path alike), and a client past
 * {@code NOT_FOUND_LIMIT} gets {@code 429 Too Many Requests} with {@code Retry-After} for every archive request,
 * found or not, counted in {@code archives_throttled_total}. Other clients are not affected.
 */
public class ThrottleFilter {

    private final NotFoundThrottle throttle;
    private final ClientAddress clients;
    private final ArchiveMetrics metrics;

    public ThrottleFilter(NotFoundThrottle throttle, ClientAddress clients, ArchiveMetrics metrics) {
        this.throttle = throttle;
        this.clients = clients;
        this.metrics = metrics;
    }

    /** Before matching, so that paths no resource serves are throttled too. */
    @ServerRequestFilter(preMatching = true)
    public Response refuseThrottledClients(ContainerRequestContext context, HttpServerRequest request,
            HttpHeaders headers) {
        if (!throttle.enabled() || !isArchivePath(context)) {
            return null;
        }
        OptionalLong retryAfter = throttle.retryAfterSeconds(client(request));
        if (retryAfter.isEmpty()) {
            return null;
        }
        metrics.throttled();
        return ErrorPages.tooManyRequests(headers, retryAfter.getAsLong());
    }

    @ServerResponseFilter
    public void countMisses(ContainerRequestContext context, HttpServerRequest request,
            ContainerResponseContext response) {
        if (throttle.enabled() && response.getStatus() == Response.Status.NOT_FOUND.getStatusCode()
                && isArchivePath(context)) {
            throttle.miss(client(request));
        }
    }

    private String client(HttpServerRequest request) {
        SocketAddress peer = request.remoteAddress();
        return clients.of(peer == null ? null : peer.hostAddress(), request.headers().getAll("X-Forwarded-For"));
    }

    /** The path as matched (decoded, dot segments removed), so no spelling of an archive path escapes. */
    private static boolean isArchivePath(ContainerRequestContext context) {
        String path = context.getUriInfo().getPath();
        return path != null && (path.equals("/archive") || path.startsWith("/archive/"));
    }
}
