package dev.zipstream.observability;

import java.util.logging.Level;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.quarkus.runtime.StartupEvent;

import dev.zipstream.config.ServiceSettings;

/** {@code DEBUG_MODE=true} turns on the service's debug logs (a line per chunk sent) at startup. */
@ApplicationScoped
public class DebugMode {

    void onStart(@Observes StartupEvent event, ServiceSettings settings) {
        if (settings.debugMode()) {
            java.util.logging.Logger.getLogger("dev.zipstream").setLevel(Level.FINE);
        }
    }
}
