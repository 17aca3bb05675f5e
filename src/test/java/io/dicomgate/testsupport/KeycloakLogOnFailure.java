package io.dicomgate.testsupport;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Prints the tail of {@code target/keycloak.log} when a test fails, so a Keycloak-side cause
 * (an import warning, a rejected grant) shows next to the assertion without the whole log ever
 * reaching the console.
 */
public class KeycloakLogOnFailure implements TestWatcher {

    private static final int LINES = 40;

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        var log = KeycloakServer.defaultLogFile();
        System.err.printf("---- %s failed; last %d lines of %s ----%n%s%n---- end of Keycloak log ----%n",
                context.getDisplayName(), LINES, log, KeycloakServer.logTail(log, LINES));
    }
}
