package dev.zipstream.http;

import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/** Any path the service does not serve gets the same not-found page as a missing archive. */
@Provider
public class NotFoundMapper implements ExceptionMapper<NotFoundException> {

    @Context
    HttpHeaders headers;

    @Override
    public Response toResponse(NotFoundException exception) {
        return ErrorPages.notFound(headers);
    }
}
