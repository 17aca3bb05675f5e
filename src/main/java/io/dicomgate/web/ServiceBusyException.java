package io.dicomgate.web;

/**
 * The server has no capacity for this request now (PS3.18 §8.5: 503 Service Unavailable); the client
 * may retry after {@link #retryAfterSeconds()}. The message is sent to the client: no patient data.
 */
public class ServiceBusyException extends RuntimeException {

    private final int retryAfterSeconds;

    public ServiceBusyException(String message, int retryAfterSeconds) {
        super(message, null, false, false);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public int retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
