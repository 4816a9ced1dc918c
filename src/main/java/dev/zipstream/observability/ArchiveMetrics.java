package dev.zipstream.observability;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.runtime.Startup;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import dev.zipstream.crc.BackgroundIndexer;
import dev.zipstream.crc.CrcService;
import dev.zipstream.storage.Storage;

/**
 * The service's own meters, as Prometheus sees them: {@code archives_started_total},
 * {@code archives_completed_total}, {@code archives_cancelled_total}, {@code archives_failed_total},
 * {@code archives_not_found_total}, {@code archives_rejected_total}, {@code archives_throttled_total},
 * {@code archive_bytes_sent_total}, {@code archive_crc_bytes_read_total} (tagged {@code reason="request"} or
 * {@code "background"}), {@code archive_index_errors_total}, the gauges {@code archives_active},
 * {@code archive_index_pending_files} and {@code archive_storage_requests_in_flight}, and the timer
 * {@code archive_download_seconds}. No meter is tagged by folder or file: links are secrets and unbounded.
 */
@Startup
@ApplicationScoped
public class ArchiveMetrics {

    private final Counter startedSendfile;
    private final Counter startedCopy;
    private final Counter completed;
    private final Counter cancelled;
    private final Counter failed;
    private final Counter notFound;
    private final Counter rejected;
    private final Counter throttled;
    private final Counter bytesSent;
    private final Timer download;
    private final AtomicInteger active = new AtomicInteger();
    private final MeterRegistry registry;
    private final List<Meter> meters;

    public ArchiveMetrics(MeterRegistry registry, CrcService crcs, BackgroundIndexer indexer, Storage storage) {
        startedSendfile = started(registry, Transfer.SENDFILE);
        startedCopy = started(registry, Transfer.COPY);
        completed = Counter.builder("archives.completed").description("Archive downloads sent in full")
                .register(registry);
        cancelled = Counter.builder("archives.cancelled").description("Archive downloads the client hung up on")
                .register(registry);
        failed = Counter.builder("archives.failed")
                .description("Archive downloads aborted by the server (a file changed or could not be read)")
                .register(registry);
        notFound = Counter.builder("archives.not.found")
                .description("Archive requests for a folder that does not exist or may not be served")
                .register(registry);
        rejected = Counter.builder("archives.rejected")
                .description("Archive requests refused with 503 (load shedding or shutting down)")
                .register(registry);
        throttled = Counter.builder("archives.throttled")
                .description("Archive requests refused with 429: the client had too many not-found answers")
                .register(registry);
        bytesSent = Counter.builder("archive.bytes.sent").description("Archive bytes sent")
                .register(registry);
        download = Timer.builder("archive.download").description("Time from the first to the last archive byte")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(5)).maximumExpectedValue(Duration.ofHours(4))
                .register(registry);
        Gauge.builder("archives.active", active, AtomicInteger::get).description("Archive downloads in progress")
                .register(registry);
        for (CrcService.Reason reason : CrcService.Reason.values()) {
            FunctionCounter.builder("archive.crc.bytes.read", crcs, service -> service.bytesRead(reason))
                    .description("File and object bytes read to compute CRC-32s, for a request (what a cold cache "
                            + "costs) or by the background scan")
                    .tag("reason", reason.name().toLowerCase()).register(registry);
        }
        // NaN until the first scan has finished (and while scanning is off): unknown is not zero.
        Gauge.builder("archive.index.pending.files", indexer,
                scan -> scan.pendingFiles() < 0 ? Double.NaN : scan.pendingFiles())
                .description("Files under the root whose CRC-32 was not known at the end of the last background scan")
                .register(registry);
        FunctionCounter.builder("archive.index.errors", crcs,
                service -> indexer.errors() + (service.index() == null ? 0 : service.index().store().errors()))
                .description("CRC index files that could not be used, failed index writes and background scan "
                        + "read errors")
                .register(registry);
        Gauge.builder("archive.storage.requests.in.flight", storage, Storage::requestsInFlight)
                .description("Requests to the object store open now (GETs and HEADs; 0 on a volume)")
                .register(registry);
        this.registry = registry;
        this.meters = registry.getMeters().stream().filter(meter -> meter.getId().getName().startsWith("archive"))
                .toList();
    }

    /**
     * Takes this application's meters out of the registry when it stops. Quarkus' registry can outlive one
     * application (the tests start several in one JVM), and a meter registered again under the same name would
     * otherwise stay bound to the stopped application's objects: its gauges NaN, its counters frozen.
     */
    @PreDestroy
    void removeMeters() {
        meters.forEach(registry::remove);
    }

    /** How a download's file bytes leave: by {@code sendfile} from the page cache, or copied through buffers. */
    public enum Transfer {
        SENDFILE, COPY
    }

    private static Counter started(MeterRegistry registry, Transfer transfer) {
        return Counter.builder("archives.started").description("Archive downloads begun, by how bytes are sent")
                .tag("transfer", transfer.name().toLowerCase()).register(registry);
    }

    /** A download begins; the returned tracker must be finished exactly once. */
    public DownloadTracker start(String hash, String range, Transfer transfer) {
        (transfer == Transfer.SENDFILE ? startedSendfile : startedCopy).increment();
        active.incrementAndGet();
        return new DownloadTracker(this, hash, range, System.nanoTime());
    }

    public void notFound() {
        notFound.increment();
    }

    public void rejected() {
        rejected.increment();
    }

    public void throttled() {
        throttled.increment();
    }

    void finished(DownloadTracker.Outcome outcome, long bytes, long nanos) {
        active.decrementAndGet();
        bytesSent.increment(bytes);
        download.record(nanos, TimeUnit.NANOSECONDS);
        switch (outcome) {
            case COMPLETED -> completed.increment();
            case CANCELLED -> cancelled.increment();
            case FAILED -> failed.increment();
        }
    }
}
