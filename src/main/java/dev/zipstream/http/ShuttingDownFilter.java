package dev.zipstream.http;

import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.SimpleResourceInfo;

import dev.zipstream.observability.ArchiveMetrics;
import dev.zipstream.observability.ShutdownReadiness;

/**
 * Once SIGTERM has arrived, a new archive request (GET or HEAD) gets {@code 503} with {@code Retry-After} instead
 * of a download that the shutdown timeout might cut; it counts in {@code archives_rejected_total}. Downloads
 * already streaming are not touched. Health, metrics and the index page answer as usual.
 */
public class ShuttingDownFilter {

    static final int RETRY_AFTER_SECONDS = 5;

    private final ShutdownReadiness shutdown;
    private final ArchiveMetrics metrics;

    public ShuttingDownFilter(ShutdownReadiness shutdown, ArchiveMetrics metrics) {
        this.shutdown = shutdown;
        this.metrics = metrics;
    }

    @ServerRequestFilter
    public Response refuseNewArchivesWhileShuttingDown(SimpleResourceInfo resource, HttpHeaders headers) {
        if (!shutdown.shuttingDown() || resource.getResourceClass() != ArchiveResource.class) {
            return null;
        }
        metrics.rejected();
        return ErrorPages.busy(headers, RETRY_AFTER_SECONDS,
                "This server is restarting. Please try again in a moment.");
    }
}
