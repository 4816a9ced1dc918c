package dev.zipstream.observability;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import dev.zipstream.plan.ArchiveFolders;

/** Ready only while {@code FOLDER_PATH} exists and can be listed: without it every download would be a 404. */
@Readiness
@ApplicationScoped
public class FolderReadinessCheck implements HealthCheck {

    private final ArchiveFolders folders;

    public FolderReadinessCheck(ArchiveFolders folders) {
        this.folders = folders;
    }

    @Override
    public HealthCheckResponse call() {
        boolean readable = folders.rootIsReadable();
        // No path in the answer: /q/health is often reachable from outside, and the layout is nobody's business.
        return HealthCheckResponse.named("archive-folder").status(readable).build();
    }
}
