package io.dicomgate.web;

/** The request contradicts the resource's state, e.g. revoking twice (409 Conflict). Message goes to the client: no PHI. */
public class ConflictException extends RuntimeException {
    public ConflictException(String message) {
        super(message, null, false, false);
    }
}
