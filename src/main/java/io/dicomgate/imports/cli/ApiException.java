package io.dicomgate.imports.cli;

/**
 * dicomgate (or the token endpoint) answered something the command cannot go on with; the message is
 * for the user and holds no secret. {@code transientFailure}: the server may answer later (unreachable,
 * 502/503/504), so a command following a job keeps trying for a while.
 */
final class ApiException extends Exception {

    private final int status;
    private final boolean transientFailure;

    ApiException(String message, int status, boolean transientFailure) {
        this(message, status, transientFailure, null);
    }

    /** {@code cause} is shown by {@code --debug} as its class names only: its message may hold a URL or a header. */
    ApiException(String message, int status, boolean transientFailure, Throwable cause) {
        super(message, cause, false, false);
        this.status = status;
        this.transientFailure = transientFailure;
    }

    /** The HTTP status, 0 when there was no answer. */
    int status() {
        return status;
    }

    boolean transientFailure() {
        return transientFailure;
    }
}
