package dev.zipstream.http;

import java.io.OutputStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.Type;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.ext.Provider;

import org.jboss.resteasy.reactive.server.core.ResteasyReactiveRequestContext;
import org.jboss.resteasy.reactive.server.core.ServerSerialisers;
import org.jboss.resteasy.reactive.server.spi.ResteasyReactiveResourceInfo;
import org.jboss.resteasy.reactive.server.spi.ServerMessageBodyWriter;
import org.jboss.resteasy.reactive.server.spi.ServerRequestContext;

import io.vertx.core.http.HttpServerResponse;

import dev.zipstream.observability.ArchiveMetrics;
import dev.zipstream.observability.DownloadTracker;
import dev.zipstream.stream.ArchiveStreamer;

/**
 * Sends an {@link ArchiveBody} straight to the Vert.x response. Returning the {@code Multi<Buffer>} from the
 * resource would make quarkus-rest send it chunked despite the known length; writing it here keeps the exact
 * {@code Content-Length} the resource set and lets the response's write queue pace the stream.
 */
@Provider
public class ArchiveBodyWriter implements ServerMessageBodyWriter<ArchiveBody> {

    private final ArchiveStreamer streamer;
    private final ArchiveMetrics metrics;

    public ArchiveBodyWriter(ArchiveStreamer streamer, ArchiveMetrics metrics) {
        this.streamer = streamer;
        this.metrics = metrics;
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
        DownloadTracker tracker = metrics.start(body.hash(), body.rangeLabel());
        new CopyingResponseWriter(response, body.range().length(), tracker, request::resume)
                .start(streamer.stream(body.plan(), body.range()));
    }

    @Override
    public void writeTo(ArchiveBody body, Class<?> type, Type genericType, Annotation[] annotations,
            MediaType mediaType, MultivaluedMap<String, Object> headers, OutputStream out) {
        throw new UnsupportedOperationException("archives are written to the Vert.x response directly");
    }
}
