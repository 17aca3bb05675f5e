package io.dicomgate.web;

import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.core.MediaType;

/**
 * Replaces an answer in a response filter, before any of its body is written, by a refusal that
 * carries nothing of the data: the status, {@code Retry-After} and a plain-text reason.
 */
public final class ReplacedResponse {

    private ReplacedResponse() {
    }

    public static void refuse(ContainerResponseContext response, int status, long retryAfterSeconds, String reason) {
        response.setStatus(status);
        var headers = response.getHeaders();
        headers.remove("Content-Length");
        headers.remove("Content-Location");
        headers.remove("Warning");
        headers.putSingle("Retry-After", Long.toString(retryAfterSeconds));
        response.setEntity(reason, null, MediaType.TEXT_PLAIN_TYPE);
    }
}
