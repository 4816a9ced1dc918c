package dev.zipstream.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

/**
 * Every setting of the service. Each is read, highest priority first, from a command-line flag
 * ({@code --folder_path}), an environment variable ({@code FOLDER_PATH}), the {@code .env} file in the working
 * directory, then {@code application.yaml}. Defaults are in {@link Defaults}, which {@code --help} prints too.
 */
@ConfigMapping(prefix = "")
public interface ServiceSettings {

    /** {@code FOLDER_PATH}: the root whose sub-folders are served as archives. Default {@code test_photos}. */
    @WithName("folder.path")
    @WithDefault(Defaults.FOLDER_PATH)
    String folderPath();

    /** {@code RESPONSE_DELAY}: seconds to pause before every chunk (fractional allowed). Default 0. */
    @WithName("response.delay")
    @WithDefault(Defaults.RESPONSE_DELAY)
    double responseDelay();

    /** {@code DEBUG_MODE}: debug logs, a line per chunk sent. Default false. */
    @WithName("debug.mode")
    @WithDefault(Defaults.DEBUG_MODE)
    boolean debugMode();

    /** {@code CHUNK_SIZE}: bytes per chunk on the copying path. Default 65536. */
    @WithName("chunk.size")
    @WithDefault(Defaults.CHUNK_SIZE)
    int chunkSize();

    /** {@code CRC_CACHE_ENTRIES}: most files whose CRC-32 is remembered; 0 turns the cache off. Default 200000. */
    @WithName("crc.cache.entries")
    @WithDefault(Defaults.CRC_CACHE_ENTRIES)
    int crcCacheEntries();

    /** {@code CRC_CACHE_MAX_BYTES}: estimated heap the CRC cache may use. Default 67108864 (64 MiB). */
    @WithName("crc.cache.max.bytes")
    @WithDefault(Defaults.CRC_CACHE_MAX_BYTES)
    long crcCacheMaxBytes();

    /** {@code ZERO_COPY}: send file bytes with sendfile on plain HTTP/1.1 connections. Default true. */
    @WithName("zero.copy")
    @WithDefault(Defaults.ZERO_COPY)
    boolean zeroCopy();

    /**
     * {@code ZERO_COPY_THREADS}: the threads that prepare zero-copy downloads' batches (open files, build headers,
     * read small files). Default 0, one per CPU core: past that, batches queue rather than crowd the CPU, so a new
     * request (a {@code HEAD}, a range's first bytes) still gets its share while downloads saturate the machine.
     * CRC-32s that memory does not hold are computed on the ordinary worker pool, never on these.
     */
    @WithName("zero.copy.threads")
    @WithDefault(Defaults.ZERO_COPY_THREADS)
    int zeroCopyThreads();

    /**
     * {@code COMPRESSION}: {@code store} (default: exact length, ranges, no CPU; photos are compressed already) or
     * {@code deflate} (for folders of text: sent chunked, without ranges).
     */
    @WithName("compression")
    @WithDefault(Defaults.COMPRESSION)
    Compression compression();

    /** How file contents go into the archive. */
    enum Compression {
        STORE, DEFLATE
    }

    /** {@code MAX_CONCURRENT_DOWNLOADS}: archives sent at once before answering 503; 0 = unlimited. */
    @WithName("max.concurrent.downloads")
    @WithDefault(Defaults.MAX_CONCURRENT_DOWNLOADS)
    int maxConcurrentDownloads();

    /** {@code STORAGE}: where the folders live, {@code filesystem} (default, under FOLDER_PATH) or {@code s3}. */
    @WithName("storage")
    @WithDefault(Defaults.STORAGE)
    StorageKind storage();

    /** The storages a folder can come from. */
    enum StorageKind {
        FILESYSTEM, S3
    }

    /** {@code S3_BUCKET}: the bucket whose prefixes are served; required with {@code STORAGE=s3}. */
    @WithName("s3.bucket")
    Optional<String> s3Bucket();

    /** {@code S3_PREFIX}: prepended to every hash ({@code photos/} serves {@code photos/{hash}/}). Default empty. */
    @WithName("s3.prefix")
    @WithDefault(Defaults.S3_PREFIX)
    Optional<String> s3Prefix();

    /** {@code S3_ENDPOINT}: the S3 API's URL for MinIO, Ceph RGW, R2 and the like; AWS's own when unset. */
    @WithName("s3.endpoint")
    Optional<String> s3Endpoint();

    /** {@code S3_REGION}: the bucket's region; the SDK's default chain (AWS_REGION, profile) when unset. */
    @WithName("s3.region")
    Optional<String> s3Region();

    /** {@code S3_PATH_STYLE}: {@code true} puts the bucket in the path (most self-hosted servers). Default false. */
    @WithName("s3.path.style")
    @WithDefault(Defaults.S3_PATH_STYLE)
    boolean s3PathStyle();

    /**
     * {@code S3_CHUNK_SIZE}: bytes per chunk for downloads from S3, which always take the copying path. Default
     * 262144: a quarter of the thread hand-offs per byte of {@code CHUNK_SIZE}'s 64 KiB, and below G1's
     * humongous size for 1 MiB regions; an S3 download holds read-ahead of up to 8 MiB anyway.
     */
    @WithName("s3.chunk.size")
    @WithDefault(Defaults.S3_CHUNK_SIZE)
    int s3ChunkSize();

    /**
     * {@code CRC_INDEX_DIR}: a directory the service may write to, where the CRC-32s it learns are kept for
     * restarts and shared with replicas that mount the same directory. Created on demand; an empty value turns the
     * index off. Default {@code crc-index} (in the working directory).
     */
    @WithName("crc.index.dir")
    @WithDefault(Defaults.CRC_INDEX_DIR)
    Optional<String> crcIndexDir();

    /**
     * {@code INDEX_SCAN_INTERVAL}: how often the background scan looks for files whose CRC-32 is not yet known
     * (also once at start): a duration such as {@code 10m}, {@code 1h}, {@code 30s}, or {@code off}. Default 10m.
     */
    @WithName("index.scan.interval")
    @WithDefault(Defaults.INDEX_SCAN_INTERVAL)
    String indexScanInterval();

    /** {@code INDEX_MAX_BYTES_PER_SECOND}: the background scan's read rate. Default 33554432 (32 MiB/s). */
    @WithName("index.max.bytes.per.second")
    @WithDefault(Defaults.INDEX_MAX_BYTES_PER_SECOND)
    long indexMaxBytesPerSecond();

    /**
     * {@code INDEX_SCAN_MIN_AGE}: the background scan skips a folder in which something changed more recently
     * than this (an upload still arriving) until its next run. Default 1m.
     */
    @WithName("index.scan.min.age")
    @WithDefault(Defaults.INDEX_SCAN_MIN_AGE)
    Duration indexScanMinAge();

    /**
     * {@code NOT_FOUND_LIMIT}: not-found answers a client may get per minute; past it every archive request of
     * that client gets 429 until its rate falls. 0 turns throttling off. Default 30.
     */
    @WithName("not.found.limit")
    @WithDefault(Defaults.NOT_FOUND_LIMIT)
    int notFoundLimit();

    /**
     * {@code TRUSTED_PROXIES}: addresses or CIDRs ({@code 10.0.0.0/8,::1}) of the proxies in front of the service;
     * only from these is {@code X-Forwarded-For} believed. Default none: the client is the peer address.
     */
    @WithName("trusted.proxies")
    Optional<List<String>> trustedProxies();

    /**
     * {@code PLAN_CACHE_SECONDS}: how long a folder's plan (its listing, sizes, stamps and ETag) is reused by later
     * requests for the same folder; 0 plans every request afresh. Default 4.
     */
    @WithName("plan.cache.seconds")
    @WithDefault(Defaults.PLAN_CACHE_SECONDS)
    double planCacheSeconds();

    /** {@code PLAN_CACHE_ENTRIES}: most archive entries all reused plans may hold together. Default 100000. */
    @WithName("plan.cache.entries")
    @WithDefault(Defaults.PLAN_CACHE_ENTRIES)
    int planCacheEntries();
}
