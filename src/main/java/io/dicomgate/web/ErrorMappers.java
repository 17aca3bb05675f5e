package io.dicomgate.web;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response.Status;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.RestResponse;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import io.dicomgate.access.AccessDeniedException;
import io.dicomgate.dicom.InvalidRequestException;
import io.dicomgate.dicom.NotAcceptableException;
import io.dicomgate.dicom.ResourceNotFoundException;
import io.dicomgate.dicom.UnsupportedMediaTypeException;
import io.dicomgate.metrics.DicomgateMetrics;

/**
 * The one table from domain exceptions to HTTP status (PS3.18 §8.5). Bodies are short plain-text
 * reasons written by our own code; an unexpected error never exposes its message or stack trace.
 */
public class ErrorMappers {

    private static final Logger LOG = Logger.getLogger(ErrorMappers.class);
    private static final String NOT_FOUND_TEXT = "not found";

    private final DicomgateMetrics metrics;

    public ErrorMappers(DicomgateMetrics metrics) {
        this.metrics = metrics;
    }

    @ServerExceptionMapper
    RestResponse<String> notFound(ResourceNotFoundException e) {
        return text(Status.NOT_FOUND, NOT_FOUND_TEXT);
    }

    /** Exactly the answer of {@link #notFound}: a refusal must not reveal that the data exists. */
    @ServerExceptionMapper
    RestResponse<String> hidden(AccessDeniedException e) {
        metrics.accessDenied();
        return text(Status.NOT_FOUND, NOT_FOUND_TEXT);
    }

    @ServerExceptionMapper
    RestResponse<String> badRequest(InvalidRequestException e) {
        return text(Status.BAD_REQUEST, e.getMessage());
    }

    @ServerExceptionMapper
    RestResponse<String> notAcceptable(NotAcceptableException e) {
        return text(Status.NOT_ACCEPTABLE, e.getMessage());
    }

    @ServerExceptionMapper
    RestResponse<String> unsupportedMediaType(UnsupportedMediaTypeException e) {
        return text(Status.UNSUPPORTED_MEDIA_TYPE, e.getMessage());
    }

    /** A state change that contradicts the resource's state (revoking twice, reviewing twice). */
    @ServerExceptionMapper
    RestResponse<String> conflict(ConflictException e) {
        return text(Status.CONFLICT, e.getMessage());
    }

    /** Refused with a reason the caller may read (e.g. "patients manage only their own consents"). */
    @ServerExceptionMapper
    RestResponse<String> forbidden(OperationForbiddenException e) {
        return text(Status.FORBIDDEN, e.getMessage());
    }

    /** The caller's own limit is reached: 429 with Retry-After. */
    @ServerExceptionMapper
    RestResponse<String> tooMany(TooManyRequestsException e) {
        return RestResponse.ResponseBuilder.<String> create(429).entity(e.getMessage()).type(MediaType.TEXT_PLAIN_TYPE)
                .header("Retry-After", Integer.toString(e.retryAfterSeconds())).build();
    }

    /** No capacity now (a bulkhead is full, a budget is spent): 503 with Retry-After. */
    @ServerExceptionMapper
    RestResponse<String> busy(ServiceBusyException e) {
        return RestResponse.ResponseBuilder.create(Status.SERVICE_UNAVAILABLE, e.getMessage())
                .type(MediaType.TEXT_PLAIN_TYPE).header("Retry-After", Integer.toString(e.retryAfterSeconds())).build();
    }

    @ServerExceptionMapper(priority = jakarta.ws.rs.Priorities.USER + 1000)
    RestResponse<?> unexpected(RuntimeException e) {
        if (e instanceof jakarta.ws.rs.WebApplicationException wae) {
            return RestResponse.ResponseBuilder.create(wae.getResponse().getStatusInfo().toEnum()).build();
        }
        if (e instanceof io.quarkus.security.AuthenticationFailedException
                || e instanceof io.quarkus.security.UnauthorizedException
                || e instanceof io.quarkus.security.ForbiddenException) {
            throw e;
        }
        if (poolExhausted(e)) {
            // Every database connection is busy (a burst larger than the pool): a temporary overload,
            // PS3.18 §8.5 503, not an error of ours or the client's.
            LOG.warn("database connection pool exhausted; answered 503");
            return RestResponse.ResponseBuilder.create(Status.SERVICE_UNAVAILABLE, "the archive is busy; try again shortly")
                    .type(MediaType.TEXT_PLAIN_TYPE).header("Retry-After", "2").build();
        }
        // Type only: messages of library exceptions can quote patient data.
        LOG.errorf("unexpected %s", e.getClass().getName());
        LOG.debug("unexpected error", e);
        return text(Status.INTERNAL_SERVER_ERROR, "internal error");
    }

    /** Agroal's "no connection within the acquisition timeout", however deep the ORM wrapped it. */
    static boolean poolExhausted(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.sql.SQLException && "Sorry, acquisition timeout!".equals(t.getMessage())) {
                return true;
            }
        }
        return false;
    }

    private static RestResponse<String> text(Status status, String body) {
        return RestResponse.ResponseBuilder.create(status, body).type(MediaType.TEXT_PLAIN_TYPE).build();
    }
}
