package dev.zipstream.storage.s3;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import org.jboss.logging.Logger;

import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.EncodingType;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

import dev.zipstream.observability.LogText;
import dev.zipstream.storage.ArchiveFolderException;
import dev.zipstream.storage.EntryNames;
import dev.zipstream.storage.EntryReader;
import dev.zipstream.storage.Listing;
import dev.zipstream.storage.Readiness;
import dev.zipstream.storage.Span;
import dev.zipstream.storage.Storage;

/**
 * Folders as prefixes of one bucket ({@code STORAGE=s3}): {@code /archive/{hash}/} serves every object under
 * {@code S3_PREFIX + hash + "/"}. A plan comes from ListObjectsV2 alone (names, sizes, ETags, times), so the length
 * and the tag are known before any object byte is read; data comes by ranged GETs with {@code If-Match}
 * ({@link S3EntryReader}).
 */
public final class S3Storage implements Storage {

    private static final Logger LOG = Logger.getLogger(S3Storage.class);
    /** Readiness is asked every few seconds by every probe; the bucket is asked at most this often. */
    private static final long READINESS_TTL_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final S3Client s3;
    private final String bucket;
    private final String prefix;
    private final ExecutorService fetchers;
    private final AtomicInteger requestsInFlight = new AtomicInteger();
    private volatile Readiness readiness;
    private volatile long readinessCheckedAt;

    /**
     * @param fetchThreads threads shared by all downloads for GETs and HEADs (blocking calls of the sync client)
     */
    public S3Storage(S3Client s3, String bucket, String prefix, int fetchThreads) {
        this.s3 = s3;
        this.bucket = bucket;
        this.prefix = prefix;
        AtomicInteger threads = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(fetchThreads, fetchThreads, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), task -> {
                    Thread thread = new Thread(task, "s3-fetch-" + threads.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        pool.allowCoreThreadTimeOut(true);
        this.fetchers = pool;
    }

    @Override
    public Optional<Listing> list(String hash) throws ArchiveFolderException {
        String folder = prefix + hash + "/";
        PrefixTree tree = new PrefixTree();
        boolean found = false;
        Instant folderModified = null;
        try {
            // URL-encoded keys: a key may hold characters XML 1.0 cannot (control characters); the SDK decodes them.
            ListObjectsV2Request request = ListObjectsV2Request.builder().bucket(bucket).prefix(folder)
                    .encodingType(EncodingType.URL).build();
            for (S3Object object : s3.listObjectsV2Paginator(request).contents()) {
                found = true;
                String name = object.key().substring(folder.length());
                if (name.isEmpty()) {
                    folderModified = object.lastModified(); // the folder's own marker
                    continue;
                }
                add(tree, name, object);
            }
        } catch (NoSuchBucketException e) {
            throw new ArchiveFolderException.Unreadable(location(folder), "no such bucket", null);
        } catch (S3Exception e) {
            throw new ArchiveFolderException.Unreadable(location(folder), "S3 answered " + e.statusCode() + " "
                    + e.awsErrorDetails().errorCode() + " to ListObjectsV2", null);
        } catch (SdkException e) {
            throw new ArchiveFolderException.Unreadable(location(folder), "S3 unreachable: " + e.getMessage(), null);
        }
        if (!found) {
            return Optional.empty();
        }
        List<Listing.Entry> listed = new ArrayList<>();
        tree.entries(listed);
        return Optional.of(new Listing(safelyNamed(listed), folderModified, location(folder)));
    }

    /**
     * The entries under names safe for every extractor (the same rules as for files on a volume: controls, bidi
     * overrides and drive letters escaped, NFC, collisions suffixed), in the tree's order.
     */
    private static List<Listing.Entry> safelyNamed(List<Listing.Entry> listed) {
        EntryNames names = new EntryNames();
        List<Listing.Entry> entries = new ArrayList<>(listed.size());
        for (Listing.Entry entry : listed) {
            String path = entry.directory() ? entry.name().substring(0, entry.name().length() - 1) : entry.name();
            String name = names.nameOfStrings(List.of(path.split("/", -1)), entry.directory());
            entries.add(new Listing.Entry(name, entry.directory(), entry.modifiedEpochSecond(), entry.permissions(),
                    entry.object()));
        }
        return entries;
    }

    /** One page of at most one key: whether anything lies below the folder's prefix. */
    @Override
    public boolean exists(String hash) {
        try {
            return s3.listObjectsV2(request -> request.bucket(bucket).prefix(prefix + hash + "/").maxKeys(1))
                    .keyCount() > 0;
        } catch (SdkException e) {
            return false;
        }
    }

    /** One listed key below the folder; unsafe and hidden names are left out, the unsafe with a log line. */
    private void add(PrefixTree tree, String name, S3Object object) {
        boolean marker = name.endsWith("/");
        String path = marker ? name.substring(0, name.length() - 1) : name;
        Optional<String> unsafe = EntryNames.unsafeReason(path);
        if (unsafe.isPresent()) {
            LOG.warnf("Leaving out S3 object %s: unsafe entry name (%s)", LogText.of(location(object.key())),
                    unsafe.get());
            return;
        }
        if (path.startsWith(".") || path.contains("/.")) {
            return; // hidden, as on a volume
        }
        boolean added;
        if (marker) {
            if (object.size() != 0) {
                LOG.warnf("Leaving out S3 object %s: a key ending in '/' with %d bytes of content",
                        LogText.of(location(object.key())), object.size());
                return;
            }
            added = tree.addDirectory(path, object.lastModified());
        } else {
            added = tree.addFile(path, new BucketObject(bucket, object.key(), object.size(), object.eTag()),
                    object.lastModified());
        }
        if (!added) {
            LOG.warnf("Leaving out S3 object %s: a file and a folder of the same name",
                    LogText.of(location(object.key())));
        }
    }

    private String location(String key) {
        return "s3://" + bucket + "/" + key;
    }

    @Override
    public EntryReader reader(Supplier<List<Span>> spans) {
        return new S3EntryReader(s3, fetchers, requestsInFlight, spans.get());
    }

    /** HeadBucket, at most every few seconds; a change is logged once, with the reason. */
    @Override
    public Readiness readiness() {
        long now = System.nanoTime();
        Readiness last = readiness;
        if (last != null && now - readinessCheckedAt < READINESS_TTL_NANOS) {
            return last;
        }
        Readiness current = checkBucket();
        readiness = current;
        readinessCheckedAt = now;
        if (last == null || last.up() != current.up()) {
            if (current.up()) {
                LOG.infof("S3 bucket %s is reachable: ready", LogText.of(bucket));
            } else {
                LOG.errorf("S3 bucket %s cannot be served: %s (readiness DOWN)", LogText.of(bucket),
                        current.reason());
            }
        }
        return current;
    }

    private Readiness checkBucket() {
        try {
            s3.headBucket(request -> request.bucket(bucket));
            return Readiness.ready();
        } catch (S3Exception e) {
            return switch (e.statusCode()) {
                case 404 -> Readiness.down("S3 bucket not found");
                case 403 -> Readiness.down("S3 access denied: check the credentials and the bucket policy");
                case 301, 400 -> Readiness.down("S3 refused the request (" + e.statusCode()
                        + "): check S3_REGION, S3_ENDPOINT and S3_PATH_STYLE");
                default -> Readiness.down("S3 answered " + e.statusCode());
            };
        } catch (SdkClientException e) {
            String message = String.valueOf(e.getMessage());
            return Readiness.down(message.contains("credentials") ? "no AWS credentials found"
                    : "S3 endpoint unreachable");
        } catch (SdkException e) {
            return Readiness.down("S3 failed: " + e.getClass().getSimpleName());
        }
    }

    @Override
    public boolean localFiles() {
        return false;
    }

    @Override
    public int requestsInFlight() {
        return requestsInFlight.get();
    }

    /** Stops the fetch threads; requests in flight are already cancelled with their downloads. */
    public void close() {
        fetchers.shutdownNow();
        s3.close();
    }
}
