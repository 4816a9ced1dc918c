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
    /** 0: one per CPU core the JVM sees (a container's CPU limit included). */
    public static final String ZERO_COPY_THREADS = "0";
    public static final String MAX_CONCURRENT_DOWNLOADS = "0";
    public static final String COMPRESSION = "store";
    public static final String STORAGE = "filesystem";
    public static final String S3_BUCKET = "";
    /** Empty: a default of "" reads as unset, so the mapping's Optional is empty and means no prefix. */
    public static final String S3_PREFIX = "";
    public static final String S3_ENDPOINT = "";
    public static final String S3_REGION = "";
    public static final String S3_PATH_STYLE = "false";
    public static final String S3_CHUNK_SIZE = "262144";
    /** Relative to the working directory, so that a restart with the README's commands keeps what was learned. */
    public static final String CRC_INDEX_DIR = "crc-index";
    public static final String INDEX_SCAN_INTERVAL = "10m";
    /** 32 MiB/s: a fraction of one disk's sequential rate, so downloads keep the rest. */
    public static final String INDEX_MAX_BYTES_PER_SECOND = "33554432";
    /** An upload by FTP or a CMS is still arriving while its folder keeps changing. */
    public static final String INDEX_SCAN_MIN_AGE = "1m";
    public static final String NOT_FOUND_LIMIT = "30";
    /** None: no {@code @WithDefault}, since an empty default means "missing" to the configuration. */
    public static final String TRUSTED_PROXIES = "";
    public static final String PLAN_CACHE_SECONDS = "4";
    public static final String PLAN_CACHE_ENTRIES = "100000";

    private Defaults() {
    }
}
