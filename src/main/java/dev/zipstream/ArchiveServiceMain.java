package dev.zipstream;

import java.util.Optional;

import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;
import io.quarkus.runtime.annotations.QuarkusMain;

import dev.zipstream.config.CommandLine;
import dev.zipstream.config.ServiceSettings;
import dev.zipstream.config.SettingsValidator;

/**
 * Entry point: reads the command-line flags into configuration, starts Quarkus, and refuses to run on bad
 * settings with a one-line error and exit code 1 (2 for a bad flag).
 */
@QuarkusMain
public class ArchiveServiceMain implements QuarkusApplication {

    private static final Logger LOG = Logger.getLogger(ArchiveServiceMain.class);

    @Inject
    ServiceSettings settings;

    public static void main(String... args) {
        CommandLine.Parsed parsed;
        try {
            parsed = CommandLine.parse(args);
        } catch (CommandLine.UsageException e) {
            System.err.println("archive-service: " + e.getMessage() + " (try --help)");
            System.exit(2);
            return;
        }
        if (parsed.help()) {
            System.out.print(CommandLine.help());
            return;
        }
        parsed.properties().forEach(System::setProperty);
        Quarkus.run(ArchiveServiceMain.class, args);
    }

    @Override
    public int run(String... args) {
        Optional<String> problem = SettingsValidator.firstProblem(settings);
        if (problem.isPresent()) {
            LOG.error("Cannot start: " + problem.get());
            return 1;
        }
        String fileNames = System.getProperty("sun.jnu.encoding", "");
        if (!fileNames.equalsIgnoreCase("UTF-8")) {
            LOG.warnf("File names are decoded as %s, not UTF-8: non-ASCII names will be mangled. Set LANG=C.UTF-8.",
                    fileNames);
        }
        if (settings.storage() == ServiceSettings.StorageKind.S3) {
            LOG.infof("Serving archives of the prefixes s3://%s/%s<hash>/", settings.s3Bucket().orElse(""),
                    settings.s3Prefix().orElse(""));
        } else {
            LOG.infof("Serving archives of the folders in %s", java.nio.file.Path.of(settings.folderPath())
                    .toAbsolutePath().normalize());
        }
        Quarkus.waitForExit();
        return 0;
    }
}
