package io.dicomgate.web;

/**
 * The caller has reached a limit of its own (RFC 6585 §4: 429 Too Many Requests); it may retry after
 * {@link #retryAfterSeconds()}. The message is sent to the client: no patient data.
 */
public class TooManyRequestsException extends RuntimeException {

    private final int retryAfterSeconds;

    public TooManyRequestsException(String message, int retryAfterSeconds) {
        super(message, null, false, false);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public int retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
