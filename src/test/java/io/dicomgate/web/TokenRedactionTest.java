package io.dicomgate.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.logging.Level;

import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.Test;

class TokenRedactionTest {

    private static final String JWS = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSIsInBhdGllbnRfaWQiOiJQSUQtMSJ9"
            + ".WlpspU_iRZ37hT2Jik3oCpGJfLSikMQ7OXhdrswaB1xp";

    private final TokenRedaction filter = new TokenRedaction();

    private static ExtLogRecord record(String format, Object... parameters) {
        ExtLogRecord r = new ExtLogRecord(Level.WARNING, format, ExtLogRecord.FormatStyle.PRINTF,
                TokenRedactionTest.class.getName());
        r.setParameters(parameters);
        return r;
    }

    @Test
    void aTokenInTheFormattedMessageIsReplaced() {
        ExtLogRecord r = record("Verification of the token issued to client %s has failed: %s", "dicomgate-api",
                "Invalid JWS Signature: JsonWebSignature{\"alg\":\"RS256\"}->" + JWS + ".");
        assertTrue(filter.isLoggable(r));
        // The closing period goes with the token: "x.y." is a JWS with an empty signature (alg none).
        assertEquals("Verification of the token issued to client dicomgate-api has failed: Invalid JWS Signature: "
                + "JsonWebSignature{\"alg\":\"RS256\"}->[token removed]", r.getFormattedMessage());
    }

    @Test
    void anExceptionQuotingATokenIsDroppedAndNamed() {
        ExtLogRecord r = record("authentication failed for %s", "a request");
        IllegalStateException cause = new IllegalStateException("bad token " + JWS);
        r.setThrown(new RuntimeException("wrapped", cause));
        assertTrue(filter.isLoggable(r));
        assertNull(r.getThrown());
        assertEquals("authentication failed for a request (java.lang.RuntimeException not shown: it quotes a token)",
                r.getFormattedMessage());
    }

    @Test
    void recordsWithoutATokenAreLeftAsTheyAre() {
        RuntimeException thrown = new RuntimeException("index conflict");
        ExtLogRecord r = record("stored %d of %d (dotted.name.eyJ not a token)", 3, 4);
        r.setThrown(thrown);
        assertTrue(filter.isLoggable(r));
        assertSame(thrown, r.getThrown());
        assertEquals("stored 3 of 4 (dotted.name.eyJ not a token)", r.getFormattedMessage());
        assertFalse(r.getFormattedMessage().contains("[token removed]"));
    }
}
