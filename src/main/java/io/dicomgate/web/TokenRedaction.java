package io.dicomgate.web;

import java.util.logging.Filter;
import java.util.logging.LogRecord;
import java.util.regex.Pattern;

import org.jboss.logmanager.ExtLogRecord;

import io.quarkus.logging.LoggingFilter;

/**
 * Takes bearer tokens out of every log record before a handler writes it ({@code quarkus.log.console.filter}
 * and {@code quarkus.log.file.filter}): quarkus-oidc logs a token whose signature does not verify in
 * full at WARN ("Invalid JWS Signature: JsonWebSignature{…}->eyJ…"), and a token — even one refused
 * here — carries its holder's claims (a patient's id) and may still be valid elsewhere. A compact JWS
 * or JWE is replaced by {@value #REPLACEMENT}; an exception whose message (or a cause's) quotes one is
 * dropped from the record, its type kept in the message.
 */
@LoggingFilter(name = "token-redaction")
public final class TokenRedaction implements Filter {

    static final String REPLACEMENT = "[token removed]";
    private static final int MAX_CAUSES = 16;

    /** A JOSE compact serialization: a base64url JSON header ({@code {"} = {@code eyJ}), then 2 to 4 more segments. */
    private static final Pattern TOKEN = Pattern.compile("eyJ[A-Za-z0-9_-]+(?:\\.[A-Za-z0-9_-]*){2,4}");

    @Override
    public boolean isLoggable(LogRecord record) {
        String message = record instanceof ExtLogRecord ext ? ext.getFormattedMessage() : record.getMessage();
        Throwable thrown = record.getThrown();
        boolean tokenInMessage = message != null && TOKEN.matcher(message).find();
        boolean tokenInThrown = quotesToken(thrown);
        if (!tokenInMessage && !tokenInThrown) {
            return true;
        }
        String redacted = tokenInMessage ? TOKEN.matcher(message).replaceAll(REPLACEMENT) : message;
        if (tokenInThrown) {
            redacted = redacted + " (" + thrown.getClass().getName() + " not shown: it quotes a token)";
            record.setThrown(null);
        }
        if (record instanceof ExtLogRecord ext) {
            ext.setMessage(redacted, ExtLogRecord.FormatStyle.NO_FORMAT);
        } else {
            record.setMessage(redacted);
        }
        record.setParameters(null);
        return true;
    }

    /** Whether the exception's message or one of its causes' (at most {@value #MAX_CAUSES} deep) quotes a token. */
    private static boolean quotesToken(Throwable thrown) {
        Throwable t = thrown;
        for (int depth = 0; t != null && depth < MAX_CAUSES; depth++, t = t.getCause()) {
            if (t.getMessage() != null && TOKEN.matcher(t.getMessage()).find()) {
                return true;
            }
        }
        return false;
    }
}
