package dev.zipstream.http;

import java.time.Instant;
import java.util.Optional;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.HEAD;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import org.jboss.logging.Logger;

import io.vertx.ext.web.RoutingContext;

import dev.zipstream.config.ServiceSettings;
import dev.zipstream.observability.ArchiveMetrics;
import dev.zipstream.observability.LogText;
import dev.zipstream.plan.ArchiveFolders;
import dev.zipstream.plan.ArchivePlan;
import dev.zipstream.plan.RecentPlans;
import dev.zipstream.storage.ArchiveFolderException;
import dev.zipstream.stream.ByteRange;

/**
 * {@code GET /archive/{hash}/}: the folder {@code FOLDER_PATH/{hash}} (or the prefix {@code S3_PREFIX{hash}/}) as
 * one ZIP, with an exact length, validators and byte ranges. {@code HEAD} answers the same headers and reads no file data. Plans on a worker thread (this
 * method is blocking); the bytes are sent by {@link ArchiveBodyWriter}.
 */
@jakarta.ws.rs.Path("/archive")
public class ArchiveResource {

    private static final Logger LOG = Logger.getLogger(ArchiveResource.class);
    static final String ZIP = "application/zip";
    static final int RETRY_AFTER_SECONDS = 30;

    private final ArchiveFolders folders;
    private final RecentPlans<String> plans;
    private final ArchiveMetrics metrics;
    private final boolean deflate;
    private final DownloadSlots slots;

    public ArchiveResource(ArchiveFolders folders, RecentPlans<String> plans, ArchiveMetrics metrics,
            ServiceSettings settings, DownloadSlots slots) {
        this.folders = folders;
        this.plans = plans;
        this.metrics = metrics;
        this.deflate = settings.compression() == ServiceSettings.Compression.DEFLATE;
        this.slots = slots;
    }

    @GET
    @jakarta.ws.rs.Path("{hash}{slash: /?}")
    public Response download(@PathParam("hash") String hash, @Context HttpHeaders headers,
            @Context RoutingContext exchange) {
        Runnable giveBack = slots.tryTake();
        if (giveBack == null) {
            // Checked before any file-system work: shedding load must itself be cheap.
            metrics.rejected();
            LOG.warnf("Archive %s refused: %d downloads in progress (MAX_CONCURRENT_DOWNLOADS)", LogText.of(hash),
                    slots.taken());
            return ErrorPages.busy(headers, RETRY_AFTER_SECONDS,
                    "Too many downloads are in progress. Please try again in a minute.");
        }
        // Given back when the exchange ends, or when its download does if that comes first: a hang-up during a
        // download does not always reach Vert.x Web's end handlers (a test once saw a slot still taken 5 s after).
        exchange.addEndHandler(ended -> giveBack.run());
        return answer(hash, headers, giveBack);
    }

    @HEAD
    @jakarta.ws.rs.Path("{hash}{slash: /?}")
    public Response describe(@PathParam("hash") String hash, @Context HttpHeaders headers) {
        return answer(hash, headers, null);
    }

    /** {@code downloadEnded}: what to run when the body's download ends; null for a HEAD, which has none. */
    private Response answer(String hash, HttpHeaders headers, Runnable downloadEnded) {
        boolean withBody = downloadEnded != null;
        ArchivePlan plan;
        try {
            Optional<ArchivePlan> planned = Optional.ofNullable(plans.plan(hash));
            if (planned.isEmpty()) {
                return notFound(hash, headers, "no such folder");
            }
            plan = planned.get();
        } catch (ArchiveFolderException.OutsideRoot e) {
            return notFound(hash, headers, e.getMessage());
        } catch (ArchiveFolderException e) {
            LOG.errorf("Archive %s unavailable: %s", hash, LogText.of(e.getMessage()));
            return ErrorPages.unavailable(headers);
        }
        // A deflated archive's bytes depend on the zlib build, not only on the folder: its tag is weak.
        String etag = deflate ? "W/" + plan.etag() : plan.etag();
        String lastModified = Preconditions.formatHttpDate(plan.lastModified());
        if (Preconditions.notModified(headers.getHeaderString(HttpHeaders.IF_NONE_MATCH),
                headers.getHeaderString(HttpHeaders.IF_MODIFIED_SINCE), etag, plan.lastModified())) {
            return Response.notModified().header(HttpHeaders.ETAG, etag)
                    .header(HttpHeaders.LAST_MODIFIED, lastModified)
                    .header(HttpHeaders.CACHE_CONTROL, "private").build();
        }
        if (deflate) {
            return deflated(hash, plan, etag, lastModified, downloadEnded);
        }
        RangeHeader.Result wanted = Preconditions.rangeApplies(headers.getHeaderString("If-Range"), etag,
                plan.lastModified(), Instant.now())
                        ? RangeHeader.parse(headers.getHeaderString("Range"), plan.length())
                        : new RangeHeader.Whole();
        Response.ResponseBuilder response;
        ByteRange range;
        if (wanted instanceof RangeHeader.Unsatisfiable) {
            return Response.status(Response.Status.REQUESTED_RANGE_NOT_SATISFIABLE)
                    .header("Content-Range", "bytes */" + plan.length())
                    .header(HttpHeaders.ETAG, etag).header(HttpHeaders.CACHE_CONTROL, "private").build();
        } else if (wanted instanceof RangeHeader.Partial partial) {
            range = partial.range();
            response = Response.status(Response.Status.PARTIAL_CONTENT)
                    .header("Content-Range", RangeHeader.contentRange(range, plan.length()));
        } else {
            range = ByteRange.whole(plan.length());
            response = Response.ok();
        }
        archiveHeaders(response, hash, etag, lastModified, "bytes")
                .header(HttpHeaders.CONTENT_LENGTH, range.length());
        if (withBody) {
            String label = wanted instanceof RangeHeader.Partial ? range.start() + "-" + (range.end() - 1) : "-";
            response.entity(new ArchiveBody(hash, plan, range, label, false, downloadEnded));
        }
        return response.build();
    }

    /** The deflated archive: its length is known only at the end, so it is sent chunked and without ranges. */
    private static Response deflated(String hash, ArchivePlan plan, String etag, String lastModified,
            Runnable downloadEnded) {
        Response.ResponseBuilder response = archiveHeaders(Response.ok(), hash, etag, lastModified, "none");
        if (downloadEnded != null) {
            response.entity(new ArchiveBody(hash, plan, ByteRange.whole(plan.length()), "-", true, downloadEnded));
        }
        return response.build();
    }

    /**
     * What every archive answer carries. {@code private}: the link is a secret, so shared caches must not keep
     * the archive.
     */
    private static Response.ResponseBuilder archiveHeaders(Response.ResponseBuilder response, String hash,
            String etag, String lastModified, String acceptRanges) {
        return response.type(ZIP)
                .header(HttpHeaders.CONTENT_DISPOSITION, ContentDisposition.attachment(hash + ".zip"))
                .header(HttpHeaders.ETAG, etag)
                .header(HttpHeaders.LAST_MODIFIED, lastModified)
                .header("Accept-Ranges", acceptRanges)
                .header(HttpHeaders.CACHE_CONTROL, "private")
                .header("X-Content-Type-Options", "nosniff");
    }

    private Response notFound(String hash, HttpHeaders headers, String reason) {
        metrics.notFound();
        LOG.infof("Archive not found: %s (%s)", LogText.of(hash), LogText.of(reason));
        return ErrorPages.notFound(headers);
    }
}
