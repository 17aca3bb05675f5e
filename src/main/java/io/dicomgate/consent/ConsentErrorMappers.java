package io.dicomgate.consent;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response.Status;

import org.jboss.resteasy.reactive.RestResponse;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Statuses of the consent and break-glass exceptions, as short plain-text reasons like
 * {@code web.ErrorMappers}. (They belong in that one table; kept here until the lead moves them.)
 */
public class ConsentErrorMappers {

    @ServerExceptionMapper
    RestResponse<String> conflict(ConflictException e) {
        return RestResponse.ResponseBuilder.create(Status.CONFLICT, e.getMessage()).type(MediaType.TEXT_PLAIN_TYPE)
                .build();
    }

    @ServerExceptionMapper
    RestResponse<String> forbidden(OperationForbiddenException e) {
        return RestResponse.ResponseBuilder.create(Status.FORBIDDEN, e.getMessage()).type(MediaType.TEXT_PLAIN_TYPE)
                .build();
    }
}
