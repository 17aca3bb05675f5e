package io.dicomgate.web;

import java.util.UUID;

/** Ids taken from request paths. */
public final class PathIds {

    private PathIds() {
    }

    /** A UUID path segment; a malformed one names nothing: null, answered as not found. */
    public static UUID uuid(String id) {
        try {
            return id != null && id.length() == 36 ? UUID.fromString(id) : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
