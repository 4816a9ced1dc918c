package dev.zipstream.observability;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownDelayInitiatedEvent;

/**
 * Whether the service has been asked to stop (SIGTERM). Quarkus 3.33 on its own keeps answering new requests
 * normally while it waits up to {@code quarkus.shutdown.timeout} for the downloads in flight, and readiness stays
 * UP. With {@code quarkus.shutdown.delay-enabled: true} (application.yaml, a build-time setting) Quarkus instead
 * fires {@link ShutdownDelayInitiatedEvent} at once on SIGTERM and turns its own readiness check
 * ({@code Graceful Shutdown}) DOWN, so {@code /q/health/ready} answers 503; this bean records the event so that
 * {@code dev.zipstream.http.ShuttingDownFilter} can refuse new archive requests with 503 while the downloads in
 * flight finish.
 */
@ApplicationScoped
public class ShutdownReadiness {

    private static final Logger LOG = Logger.getLogger(ShutdownReadiness.class);

    private volatile boolean shuttingDown;

    void onShutdownRequested(@Observes ShutdownDelayInitiatedEvent event) {
        shuttingDown = true;
        LOG.info("Shutting down: readiness is DOWN, new archive requests get 503, downloads in flight may finish");
    }

    public boolean shuttingDown() {
        return shuttingDown;
    }
}
