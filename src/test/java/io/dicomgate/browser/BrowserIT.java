package io.dicomgate.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;

import io.dicomgate.demo.LocalStack;

/**
 * The viewer and the portal in a real browser: Debian's chromium, driven by playwright-core
 * scripts in {@code src/test/browser}, against the run command's stack (PostgreSQL, the real
 * Keycloak, the packaged dicomgate with the sample studies). Screenshots and each script's output
 * go to {@code target/browser-artifacts}. {@code -Dbrowser.skip=true} (no chromium or npm) disables it.
 */
@DisabledIfSystemProperty(named = "dicomgate.browser.skip", matches = "true")
class BrowserIT {

    private static final long SCRIPT_TIMEOUT_MINUTES = 8;

    private static BrowserStack stack;
    private static Path artifacts;
    private static Path scripts;

    @BeforeAll
    static void startStack() throws IOException {
        artifacts = LocalStack.pathSetting("dicomgate.browser.artifacts", "target/browser-artifacts");
        scripts = LocalStack.pathSetting("dicomgate.browser.scripts", "src/test/browser");
        Files.createDirectories(artifacts);
        stack = BrowserStack.start(LocalStack.pathSetting("dicomgate.browser.data-dir", "target/browser-stack"));
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void withoutSessionEveryAppShowsTheLoginPageAndNoData() throws Exception {
        runScript("no-session.mjs");
    }

    @Test
    void clinicianSeesExactlyTheConsentedStudiesAndTheImage() throws Exception {
        runScript("clinician-viewer.mjs");
    }

    @Test
    void patientGrantsAndRevokesAndSeesTheClinicianInTheAccessLog() throws Exception {
        runScript("portal-consent.mjs");
    }

    @Test
    void aShareLinkOpensOnAPhoneWithItsPinAndStopsWhenRevoked() throws Exception {
        runScript("share-link.mjs");
    }

    private static void runScript(String script) throws IOException, InterruptedException {
        Path log = artifacts.resolve(script.replace(".mjs", ".log"));
        ProcessBuilder builder = new ProcessBuilder("node", script).directory(scripts.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("DICOMGATE_APP_URL", stack.appUrl());
        builder.environment().put("DICOMGATE_ISSUER_URL", stack.issuerUrl());
        builder.environment().put("DICOMGATE_ARTIFACTS", artifacts.toString());
        Process process = builder.start();
        process.getOutputStream().close();
        if (!process.waitFor(SCRIPT_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            System.out.println(Files.readString(log));
            throw new AssertionError(script + " did not finish in " + SCRIPT_TIMEOUT_MINUTES + " minutes");
        }
        String output = Files.readString(log);
        System.out.println(output);
        assertEquals(0, process.exitValue(), script + " failed (see " + log + "):\n" + output);
    }
}
