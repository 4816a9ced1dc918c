package dev.zipstream.http;

import java.io.OutputStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.Type;
import java.util.Optional;
import java.util.function.Consumer;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.ext.Provider;

import org.jboss.resteasy.reactive.server.core.ResteasyReactiveRequestContext;
import org.jboss.resteasy.reactive.server.core.ServerSerialisers;
import org.jboss.resteasy.reactive.server.spi.ResteasyReactiveResourceInfo;
import org.jboss.resteasy.reactive.server.spi.ServerMessageBodyWriter;
import org.jboss.resteasy.reactive.server.spi.ServerRequestContext;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

import dev.zipstream.config.ServiceSettings;

import dev.zipstream.observability.ArchiveMetrics;
import dev.zipstream.observability.DownloadTracker;
import dev.zipstream.plan.RecentPlans;
import dev.zipstream.stream.ArchiveStreamer;
import dev.zipstream.stream.RegionBatcher;

/**
 * Sends an {@link ArchiveBody} straight to the Vert.x response. Returning the {@code Multi<Buffer>} from the
 * resource would make quarkus-rest send it chunked despite the known length; writing it here keeps the exact
 * {@code Content-Length} the resource set. On plain HTTP/1.x the file bytes go out zero-copy
 * ({@link ZeroCopyResponseWriter}); otherwise (TLS, HTTP/2, paced chunks, {@code ZERO_COPY=false}) the
 * {@code Multi<Buffer>} is copied out, paced by the response's write queue ({@link CopyingResponseWriter}).
 */
@Provider
public class ArchiveBodyWriter implements ServerMessageBodyWriter<ArchiveBody> {

    private final ArchiveStreamer streamer;
    private final ArchiveMetrics metrics;
    private final RecentPlans<String> plans;
    private final ZeroCopyWorkers zeroCopyWorkers;
    /** Zero-copy unless turned off or chunks are paced; the connection decides the rest (TLS, HTTP/2...). */
    private final boolean zeroCopyAllowed;

    public ArchiveBodyWriter(ArchiveStreamer streamer, ArchiveMetrics metrics, RecentPlans<String> plans,
            ServiceSettings settings, ZeroCopyWorkers zeroCopyWorkers) {
        this.streamer = streamer;
        this.zeroCopyWorkers = zeroCopyWorkers;
        this.metrics = metrics;
        this.plans = plans;
        this.zeroCopyAllowed = settings.zeroCopy() && !streamer.paced();
    }

    @Override
    public boolean isWriteable(Class<?> type, Type genericType, ResteasyReactiveResourceInfo target,
            MediaType mediaType) {
        return ArchiveBody.class.isAssignableFrom(type);
    }

    @Override
    public boolean isWriteable(Class<?> type, Type genericType, Annotation[] annotations, MediaType mediaType) {
        return ArchiveBody.class.isAssignableFrom(type);
    }

    @Override
    public void writeResponse(ArchiveBody body, Type genericType, ServerRequestContext context) {
        ResteasyReactiveRequestContext request = (ResteasyReactiveRequestContext) context;
        request.suspend();
        // Copy the status and headers (Content-Length first of all) onto the Vert.x response now: Vert.x refuses
        // a body write without a length, and quarkus-rest would otherwise copy them only when the head goes out.
        ServerSerialisers.encodeResponseHeaders(request);
        context.serverResponse().setPreCommitListener(null);
        HttpServerResponse response = request.unwrap(HttpServerResponse.class);
        // Vert.x Web's end handlers learn of a hang-up; the response's own close handler is Vert.x Web's to set.
        RoutingContext routing = request.unwrap(RoutingContext.class);
        Consumer<Consumer<Boolean>> whenEnded = callback -> routing
                .addEndHandler(ended -> callback.accept(ended.failed()));
        if (body.deflated()) {
            response.setChunked(true);
            DownloadTracker tracker = track(body, ArchiveMetrics.Transfer.COPY);
            new CopyingResponseWriter(response, CopyingResponseWriter.UNKNOWN_LENGTH, tracker, request::resume)
                    .start(streamer.streamDeflated(body.plan()), whenEnded);
            return;
        }
        Optional<ZeroCopyChannel> zeroCopy = zeroCopyAllowed && body.plan().storage().localFiles()
                ? ZeroCopyChannel.of(request.unwrap(HttpServerRequest.class))
                : Optional.empty();
        DownloadTracker tracker = track(body,
                zeroCopy.isPresent() ? ArchiveMetrics.Transfer.SENDFILE : ArchiveMetrics.Transfer.COPY);
        if (zeroCopy.isPresent()) {
            RegionBatcher batches = streamer.batches(body.plan(), body.range(), zeroCopy.get().corks(),
                    zeroCopyWorkers);
            new ZeroCopyResponseWriter(zeroCopy.get(), response, batches, tracker, zeroCopyWorkers,
                    streamer.workers(), request::resume).start(whenEnded);
        } else {
            new CopyingResponseWriter(response, body.range().length(), tracker, request::resume)
                    .start(streamer.stream(body.plan(), body.range()), whenEnded);
        }
    }

    /**
     * A download that fails (a file changed or vanished) drops its plan from the recent ones, so the next request
     * plans the folder anew rather than failing the same way until the plan expires.
     */
    private DownloadTracker track(ArchiveBody body, ArchiveMetrics.Transfer transfer) {
        return metrics.start(body.hash(), body.rangeLabel(), transfer).whenFailed(() -> plans.forget(body.plan()))
                .whenSettled(body.downloadEnded());
    }

    @Override
    public void writeTo(ArchiveBody body, Class<?> type, Type genericType, Annotation[] annotations,
            MediaType mediaType, MultivaluedMap<String, Object> headers, OutputStream out) {
        throw new UnsupportedOperationException("archives are written to the Vert.x response directly");
    }
}
