package dev.zipstream.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

class CommandLineTest {

    @Test
    void flagsBecomeTheSettingsProperties() throws Exception {
        CommandLine.Parsed parsed = CommandLine.parse("--debug_mode", "--response_delay", "1", "--folder_path",
                "my_photos", "--chunk-size=8192");
        assertEquals(Map.of("debug.mode", "true", "response.delay", "1", "folder.path", "my_photos",
                "chunk.size", "8192"), parsed.properties());
    }

    @Test
    void s3FlagsAreTheS3Settings() throws Exception {
        CommandLine.Parsed parsed = CommandLine.parse("--storage", "s3", "--s3_bucket", "photos", "--s3_prefix",
                "uploads/", "--s3_endpoint", "http://127.0.0.1:9000", "--s3_region", "eu-central-1",
                "--s3_path_style", "true");
        assertEquals(Map.of("storage", "s3", "s3.bucket", "photos", "s3.prefix", "uploads/", "s3.endpoint",
                "http://127.0.0.1:9000", "s3.region", "eu-central-1", "s3.path.style", "true"), parsed.properties());
    }

    @Test
    void helpListsEveryFlagWithItsDefault() throws Exception {
        assertTrue(CommandLine.parse("-h").help());
        assertTrue(CommandLine.parse("--folder_path", "x", "--help").help());
        String help = CommandLine.help();
        for (CommandLine.Option option : CommandLine.OPTIONS) {
            assertTrue(help.contains("--" + option.flag()), option.flag());
            assertTrue(help.contains("(default: " + (option.defaultValue().isEmpty() ? "none" : option.defaultValue()) + ")"),
                    option.flag());
        }
    }

    @Test
    void unknownFlagsAndMissingValuesAreRefused() {
        assertEquals("unknown option '--folder'",
                assertThrows(CommandLine.UsageException.class, () -> CommandLine.parse("--folder", "x"))
                        .getMessage());
        assertEquals("--response_delay needs a value",
                assertThrows(CommandLine.UsageException.class, () -> CommandLine.parse("--response_delay"))
                        .getMessage());
        assertThrows(CommandLine.UsageException.class, () -> CommandLine.parse("stray"));
    }
}
