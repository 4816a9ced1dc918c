package dev.zipstream.observability;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import dev.zipstream.config.ServiceSettings;
import dev.zipstream.plan.ArchiveFolders;

/**
 * Ready only while the storage can serve: {@code FOLDER_PATH} exists and can be listed, or the S3 bucket answers
 * with the credentials given. Without it every download would fail. When DOWN, the data says why.
 */
@Readiness
@ApplicationScoped
public class FolderReadinessCheck implements HealthCheck {

    private final ArchiveFolders folders;
    private final String storage;

    public FolderReadinessCheck(ArchiveFolders folders, ServiceSettings settings) {
        this.folders = folders;
        this.storage = settings.storage().name().toLowerCase();
    }

    @Override
    public HealthCheckResponse call() {
        dev.zipstream.storage.Readiness readiness = folders.readiness();
        // No path or bucket in the answer: /q/health is often reachable from outside.
        HealthCheckResponseBuilder response = HealthCheckResponse.named("archive-folder").status(readiness.up())
                .withData("storage", storage);
        if (!readiness.up()) {
            response.withData("reason", readiness.reason());
        }
        return response.build();
    }
}
