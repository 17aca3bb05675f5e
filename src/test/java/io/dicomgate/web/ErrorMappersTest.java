package io.dicomgate.web;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLException;

import org.junit.jupiter.api.Test;

class ErrorMappersTest {

    @Test
    void anExhaustedConnectionPoolIsRecognisedThroughTheOrmsWrapping() {
        SQLException timeout = new SQLException("Sorry, acquisition timeout!");
        assertTrue(ErrorMappers.poolExhausted(new IllegalStateException(new RuntimeException("Unable to acquire", timeout))));
        assertFalse(ErrorMappers.poolExhausted(new IllegalStateException(new SQLException("duplicate key"))));
        assertFalse(ErrorMappers.poolExhausted(new IllegalStateException()));
    }
}
