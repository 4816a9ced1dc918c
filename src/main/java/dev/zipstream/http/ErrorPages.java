package dev.zipstream.http;

import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * The few error answers the service gives, as a short HTML page for browsers and plain text for everyone else.
 * They never carry a path, a stack trace or a reason a guesser could learn from.
 */
public final class ErrorPages {

    private ErrorPages() {
    }

    public static Response notFound(HttpHeaders request) {
        return page(request, Response.Status.NOT_FOUND, "Archive not found",
                "There is no archive at this address. Check that the link is complete.");
    }

    public static Response unavailable(HttpHeaders request) {
        return page(request, Response.Status.INTERNAL_SERVER_ERROR, "Archive unavailable",
                "This archive cannot be made right now. Please try again later.");
    }

    public static Response busy(HttpHeaders request, int retryAfterSeconds, String reason) {
        return Response.fromResponse(page(request, Response.Status.SERVICE_UNAVAILABLE, "Service busy", reason))
                .header(HttpHeaders.RETRY_AFTER, retryAfterSeconds).build();
    }

    /** 429 for a client that has had too many not-found answers (see {@link NotFoundThrottle}). */
    public static Response tooManyRequests(HttpHeaders request, long retryAfterSeconds) {
        return Response.fromResponse(page(request, Response.Status.TOO_MANY_REQUESTS, "Too many requests",
                "Too many links from your address were not found. Please wait a minute and try again."))
                .header(HttpHeaders.RETRY_AFTER, retryAfterSeconds).build();
    }

    static Response page(HttpHeaders request, Response.Status status, String title, String message) {
        boolean html = request != null && request.getAcceptableMediaTypes().stream()
                .anyMatch(type -> type.isCompatible(MediaType.TEXT_HTML_TYPE) && !type.isWildcardType());
        String body = html ? html(status, title, message) : status.getStatusCode() + " " + title + "\n" + message
                + "\n";
        return Response.status(status)
                .type(html ? MediaType.TEXT_HTML + ";charset=UTF-8" : MediaType.TEXT_PLAIN + ";charset=UTF-8")
                .header(HttpHeaders.CACHE_CONTROL, "no-store")
                .entity(body).build();
    }

    private static String html(Response.Status status, String title, String message) {
        return """
                <!DOCTYPE html>
                <html lang="en">
                <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
                <title>%d %s</title>
                <style>body { font-family: system-ui, sans-serif; max-width: 40em; margin: 3em auto; padding: 0 1em; }</style>
                </head>
                <body><main><h1>%s</h1><p>%s</p><p><a href="/">Home</a></p></main></body>
                </html>
                """.formatted(status.getStatusCode(), title, title, message);
    }
}
