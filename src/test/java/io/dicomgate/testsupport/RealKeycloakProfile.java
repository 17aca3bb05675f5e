package io.dicomgate.testsupport;

import java.util.List;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * dicomgate against the real Keycloak distribution with the realm of keycloak-realm/ and a real
 * PostgreSQL; subclasses add configuration of their own.
 */
public class RealKeycloakProfile implements QuarkusTestProfile {
    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(PostgresTestResource.class), new TestResourceEntry(KeycloakTestResource.class));
    }
}
