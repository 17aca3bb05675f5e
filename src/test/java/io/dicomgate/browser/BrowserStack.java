package io.dicomgate.browser;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.dicomgate.demo.DemoStack;
import io.dicomgate.demo.LocalStack;

/**
 * The run command's stack for the browser tests: PostgreSQL, the real Keycloak and the packaged
 * dicomgate (with the viewer and the portal) as processes of their own, with the demo's sample
 * studies and alice's consent to dr.house, under {@code target/browser-stack}.
 *
 * <p>The realm is the demo realm with two test-only changes written to a copy: the redirect URIs
 * and web origins name this run's free port instead of 8080, and access tokens live
 * {@value #TOKEN_LIFESPAN_SECONDS} s, so the apps have to renew them while the test watches.
 *
 * <p>{@code main} starts it and waits, for trying the apps by hand.
 */
public final class BrowserStack implements AutoCloseable {

    static final int TOKEN_LIFESPAN_SECONDS = 75;

    private final LocalStack stack;

    private BrowserStack(LocalStack stack) {
        this.stack = stack;
    }

    public static BrowserStack start(Path dataDir) {
        int appPort = LocalStack.freePort();
        Path realm = dataDir.resolve("dicomgate-realm.json");
        LocalStack.deleteRecursively(dataDir);
        try {
            Files.createDirectories(dataDir);
            writeRealm(LocalStack.pathSetting("dicomgate.realm.file", "keycloak-realm/dicomgate-realm.json"), realm,
                    appPort);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        LocalStack stack = LocalStack.start(new LocalStack.Config(dataDir, appPort, 0, 0, false,
                LocalStack.pathSetting("keycloak.home", "target/keycloak-26.7.3"), realm,
                LocalStack.pathSetting("dicomgate.app-jar", "target/quarkus-app/quarkus-run.jar"),
                List.of("-Xmx512m")));
        try {
            DemoStack.loadSampleData(stack.dicomwebUrl(), stack.keycloak().issuerUrl());
        } catch (RuntimeException e) {
            stack.close();
            throw e;
        }
        return new BrowserStack(stack);
    }

    /** The demo realm for this port: the browser clients' URLs on it, short-lived access tokens. */
    static void writeRealm(Path demoRealm, Path target, int appPort) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode realm = (ObjectNode) json.readTree(demoRealm.toFile());
        realm.put("accessTokenLifespan", TOKEN_LIFESPAN_SECONDS);
        for (var client : realm.withArray("clients")) {
            for (String field : List.of("redirectUris", "webOrigins")) {
                ArrayNode values = (ArrayNode) client.path(field);
                if (values.isMissingNode()) {
                    continue;
                }
                for (int i = 0; i < values.size(); i++) {
                    values.set(i, values.get(i).asText().replace(":8080/", ":" + appPort + "/")
                            .replaceAll(":8080$", ":" + appPort));
                }
            }
        }
        json.writerWithDefaultPrettyPrinter().writeValue(target.toFile(), realm);
    }

    public String appUrl() {
        return stack.appUrl();
    }

    public String issuerUrl() {
        return stack.keycloak().issuerUrl();
    }

    public Path dataDir() {
        return stack.dataDir();
    }

    @Override
    public void close() {
        stack.close();
    }

    public static void main(String[] args) throws Exception {
        BrowserStack stack = start(LocalStack.pathSetting("dicomgate.browser.data-dir", "target/browser-stack"));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stack.close();
            stopped.countDown();
        }));
        System.out.println("BROWSER_STACK app=" + stack.appUrl() + " issuer=" + stack.issuerUrl());
        stopped.await();
    }
}
