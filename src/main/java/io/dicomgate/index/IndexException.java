package io.dicomgate.index;

import java.sql.SQLException;

/** The index database failed; answered as a processing failure, never with its message. */
public class IndexException extends RuntimeException {
    public IndexException(SQLException cause) {
        super("index database error", cause);
    }
}
