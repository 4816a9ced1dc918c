package dev.zipstream.config;

/** The settings' defaults, in one place for the configuration mapping and for {@code --help}. */
public final class Defaults {

    public static final String FOLDER_PATH = "test_photos";
    public static final String RESPONSE_DELAY = "0";
    public static final String DEBUG_MODE = "false";
    public static final String CHUNK_SIZE = "65536";
    public static final String CRC_CACHE_ENTRIES = "200000";
    public static final String CRC_CACHE_MAX_BYTES = "67108864";
    public static final String ZERO_COPY = "true";
    public static final String MAX_CONCURRENT_DOWNLOADS = "0";
    public static final String COMPRESSION = "store";
    public static final String PLAN_CACHE_SECONDS = "4";
    public static final String PLAN_CACHE_ENTRIES = "100000";

    private Defaults() {
    }
}
