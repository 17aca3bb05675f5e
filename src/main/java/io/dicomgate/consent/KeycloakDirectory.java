package io.dicomgate.consent;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.dicomgate.web.ServiceBusyException;
import io.quarkus.arc.DefaultBean;

/**
 * {@link UserDirectory} over Keycloak's admin REST API ({@code GET /admin/realms/{realm}/users
 * ?username=…&exact=true}), with a client-credentials token of {@link DirectoryConfig#clientId()}
 * kept until shortly before it expires. Nothing about the user is logged.
 */
@ApplicationScoped
@DefaultBean
public class KeycloakDirectory implements UserDirectory {

    private static final Logger LOG = Logger.getLogger(KeycloakDirectory.class);
    private static final int RETRY_AFTER = 5;

    private final DirectoryConfig config;
    private final ObjectMapper json;
    private final String realmUrl;
    private final HttpClient http;
    private String token;
    private Instant tokenExpires = Instant.EPOCH;

    public KeycloakDirectory(DirectoryConfig config, ObjectMapper json,
            @ConfigProperty(name = "quarkus.oidc.auth-server-url") Optional<String> oidcServer) {
        this.config = config;
        this.json = json;
        this.realmUrl = config.realmUrl().or(() -> oidcServer).orElse("").replaceAll("/+$", "");
        this.http = HttpClient.newBuilder().connectTimeout(config.timeout()).build();
    }

    @Override
    public Optional<DirectoryUser> findByUsername(String username) {
        int realms = realmUrl.lastIndexOf("/realms/");
        if (realms < 0 || config.clientSecret().isEmpty()) {
            throw new ServiceBusyException("consents to users need the user directory, which is not configured"
                    + " (dicomgate.directory.client-secret)", RETRY_AFTER);
        }
        URI users = URI.create(realmUrl.substring(0, realms) + "/admin" + realmUrl.substring(realms) + "/users?exact=true"
                + "&briefRepresentation=true&username=" + URLEncoder.encode(username, StandardCharsets.UTF_8));
        JsonNode found = send(HttpRequest.newBuilder(users).header("Authorization", "Bearer " + token())
                .header("Accept", "application/json").GET());
        for (JsonNode user : found) {
            if (username.equalsIgnoreCase(user.path("username").asText()) && user.path("enabled").asBoolean(true)) {
                String name = (user.path("firstName").asText("") + " " + user.path("lastName").asText("")).strip();
                return Optional.of(new DirectoryUser(user.path("id").asText(), user.path("username").asText(),
                        name.isEmpty() ? user.path("username").asText() : name));
            }
        }
        return Optional.empty();
    }

    private synchronized String token() {
        if (token == null || Instant.now().isAfter(tokenExpires)) {
            String form = "grant_type=client_credentials&client_id=" + URLEncoder.encode(config.clientId(), StandardCharsets.UTF_8)
                    + "&client_secret=" + URLEncoder.encode(config.clientSecret().get(), StandardCharsets.UTF_8);
            JsonNode answer = send(HttpRequest.newBuilder(URI.create(realmUrl + "/protocol/openid-connect/token"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form)));
            token = answer.path("access_token").asText();
            tokenExpires = Instant.now().plusSeconds(Math.max(0, answer.path("expires_in").asLong(60) - 30));
        }
        return token;
    }

    private JsonNode send(HttpRequest.Builder request) {
        try {
            HttpResponse<byte[]> response = http.send(request.timeout(config.timeout()).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != 200) {
                LOG.warnf("user directory answered HTTP %d", response.statusCode());
                if (response.statusCode() == 401) {
                    synchronized (this) {
                        token = null;
                    }
                }
                throw new ServiceBusyException("the user directory cannot be asked now; try again", RETRY_AFTER);
            }
            return json.readTree(response.body());
        } catch (IOException e) {
            LOG.warnf("user directory unreachable: %s", e.getClass().getSimpleName());
            throw new ServiceBusyException("the user directory cannot be reached now; try again", RETRY_AFTER);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ServiceBusyException("interrupted", RETRY_AFTER);
        }
    }
}
