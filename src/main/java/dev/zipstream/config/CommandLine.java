package dev.zipstream.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The command-line flags: {@code --folder_path my_photos}, {@code --response_delay 1}, {@code --debug_mode}, ...
 * Each flag names a setting exactly as its environment variable does, in lower case, and becomes a system
 * property, which outranks environment variables, {@code .env} and {@code application.yaml}.
 */
public final class CommandLine {

    /** One flag: its name, the configuration property it sets, its default, and what it does. */
    record Option(String flag, String property, String defaultValue, boolean isSwitch, String help) {
    }

    static final List<Option> OPTIONS = List.of(
            new Option("folder_path", "folder.path", Defaults.FOLDER_PATH, false,
                    "folder whose sub-folders are served as archives"),
            new Option("response_delay", "response.delay", Defaults.RESPONSE_DELAY, false,
                    "seconds to pause before every chunk (fractional allowed)"),
            new Option("debug_mode", "debug.mode", Defaults.DEBUG_MODE, true,
                    "debug logs, one line per chunk sent"),
            new Option("chunk_size", "chunk.size", Defaults.CHUNK_SIZE, false,
                    "bytes per chunk on the copying path"),
            new Option("crc_cache_entries", "crc.cache.entries", Defaults.CRC_CACHE_ENTRIES, false,
                    "files whose CRC-32 is remembered (0 = no cache)"),
            new Option("crc_cache_max_bytes", "crc.cache.max.bytes", Defaults.CRC_CACHE_MAX_BYTES, false,
                    "estimated heap bytes the CRC-32 cache may use"),
            new Option("zero_copy", "zero.copy", Defaults.ZERO_COPY, false,
                    "send file bytes with sendfile on plain HTTP/1.1"),
            new Option("zero_copy_threads", "zero.copy.threads", Defaults.ZERO_COPY_THREADS, false,
                    "threads preparing zero-copy downloads' batches (0 = one per CPU core)"),
            new Option("compression", "compression", Defaults.COMPRESSION, false,
                    "store (exact length, ranges) or deflate (for text; chunked, no ranges)"),
            new Option("max_concurrent_downloads", "max.concurrent.downloads", Defaults.MAX_CONCURRENT_DOWNLOADS,
                    false, "archives sent at once before answering 503 (0 = unlimited)"),
            new Option("storage", "storage", Defaults.STORAGE, false,
                    "where the folders live: filesystem (FOLDER_PATH) or s3 (S3_BUCKET)"),
            new Option("s3_bucket", "s3.bucket", Defaults.S3_BUCKET, false,
                    "bucket whose prefixes are served (STORAGE=s3)"),
            new Option("s3_prefix", "s3.prefix", Defaults.S3_PREFIX, false,
                    "key prefix before every hash, e.g. photos/"),
            new Option("s3_endpoint", "s3.endpoint", Defaults.S3_ENDPOINT, false,
                    "S3 API URL for MinIO, Ceph and the like (AWS when empty)"),
            new Option("s3_region", "s3.region", Defaults.S3_REGION, false,
                    "the bucket's region (the AWS SDK's default chain when empty)"),
            new Option("s3_path_style", "s3.path.style", Defaults.S3_PATH_STYLE, false,
                    "bucket in the path, not the host name (most self-hosted servers)"),
            new Option("s3_chunk_size", "s3.chunk.size", Defaults.S3_CHUNK_SIZE, false,
                    "bytes per chunk for downloads from S3 (CHUNK_SIZE is for files)"),
            new Option("crc_index_dir", "crc.index.dir", Defaults.CRC_INDEX_DIR, false,
                    "directory where learned CRC-32s are kept and shared (empty = no index)"),
            new Option("index_scan_interval", "index.scan.interval", Defaults.INDEX_SCAN_INTERVAL, false,
                    "how often to index new files in the background (a duration such as 10m, or off)"),
            new Option("index_max_bytes_per_second", "index.max.bytes.per.second",
                    Defaults.INDEX_MAX_BYTES_PER_SECOND, false, "read rate of the background indexing"),
            new Option("index_scan_min_age", "index.scan.min.age", Defaults.INDEX_SCAN_MIN_AGE, false,
                    "skip folders changed more recently than this (uploads in progress)"),
            new Option("not_found_limit", "not.found.limit", Defaults.NOT_FOUND_LIMIT, false,
                    "not-found answers per client per minute before 429 (0 = off)"),
            new Option("trusted_proxies", "trusted.proxies", Defaults.TRUSTED_PROXIES, false,
                    "proxy addresses/CIDRs whose X-Forwarded-For is believed, comma-separated"),
            new Option("plan_cache_seconds", "plan.cache.seconds", Defaults.PLAN_CACHE_SECONDS, false,
                    "seconds a folder's plan is reused by later requests (0 = plan every request)"),
            new Option("plan_cache_entries", "plan.cache.entries", Defaults.PLAN_CACHE_ENTRIES, false,
                    "most archive entries the reused plans may hold together"));

    /** A flag that does not exist, or lacks its value. */
    public static final class UsageException extends Exception {
        UsageException(String message) {
            super(message);
        }
    }

    /** What the arguments asked for: help, or these properties. */
    public record Parsed(boolean help, Map<String, String> properties) {
    }

    private CommandLine() {
    }

    public static Parsed parse(String... args) throws UsageException {
        Map<String, String> properties = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("-h") || arg.equals("--help")) {
                return new Parsed(true, Map.of());
            }
            if (!arg.startsWith("--")) {
                throw new UsageException("unexpected argument '" + arg + "'");
            }
            String name = arg.substring(2);
            String value = null;
            int equals = name.indexOf('=');
            if (equals >= 0) {
                value = name.substring(equals + 1);
                name = name.substring(0, equals);
            }
            Option option = find(name);
            if (value == null) {
                if (option.isSwitch()) {
                    value = "true";
                } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                    value = args[++i];
                } else {
                    throw new UsageException("--" + name + " needs a value");
                }
            }
            properties.put(option.property(), value);
        }
        return new Parsed(false, properties);
    }

    private static Option find(String name) throws UsageException {
        String normalized = name.replace('-', '_');
        for (Option option : OPTIONS) {
            if (option.flag().equals(normalized)) {
                return option;
            }
        }
        throw new UsageException("unknown option '--" + name + "'");
    }

    public static String help() {
        StringBuilder out = new StringBuilder("""
                Usage: java -jar target/quarkus-app/quarkus-run.jar [options]
                Serves every folder under FOLDER_PATH as a ZIP at /archive/<folder>/ (port 8080).
                Each option can also be set as the environment variable in capitals (FOLDER_PATH=...),
                or in .env; options given here win.

                Options:
                """);
        for (Option option : OPTIONS) {
            String flag = "--" + option.flag() + (option.isSwitch() ? "" : " VALUE");
            String defaultValue = option.defaultValue().isEmpty() ? "none" : option.defaultValue();
            out.append(String.format("  %-34s %s (default: %s)%n", flag, option.help(), defaultValue));
        }
        out.append(String.format("  %-34s %s%n", "-h, --help", "print this help and exit"));
        return out.toString();
    }
}
