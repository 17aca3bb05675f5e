package io.dicomgate.testsupport;

import java.util.concurrent.TimeUnit;

/** Stopping the server processes the tests and the benchmark start. */
public final class Processes {

    private Processes() {
    }

    /** Asks the process to end (SIGTERM), then kills it when it has not ended within ten seconds. */
    public static void stop(Process process) {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
