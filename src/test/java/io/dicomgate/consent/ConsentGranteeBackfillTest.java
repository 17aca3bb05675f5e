package io.dicomgate.consent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.dicomgate.testsupport.Api;
import io.dicomgate.testsupport.DicomFixtures;
import io.dicomgate.testsupport.PostgresTestResource;
import io.dicomgate.testsupport.TestTokens;
import io.dicomgate.testsupport.TestUserDirectory;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Consents made before grantees were bound to accounts (V16: grantee_sub null) match by username
 * until the backfill binds them to the account the username names then; a username with no account
 * any more is bound to nothing, so whoever takes the name later does not inherit the consent.
 */
@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class ConsentGranteeBackfillTest {

    @Inject
    DataSource dataSource;
    @Inject
    ConsentGranteeBackfill backfill;

    @Test
    void legacyConsentsAreBoundToTheAccountTheirUsernameNamesNow() throws Exception {
        String pid = "BKF-" + UUID.randomUUID().toString().substring(0, 8);
        var study = DicomFixtures.instance().patient(pid, "Backfill^Bea");
        Api.store(study.bytes()).then().statusCode(200);
        String kept = "legacy.doc-" + UUID.randomUUID();
        String gone = TestUserDirectory.NO_ACCOUNT_PREFIX + UUID.randomUUID();
        insertLegacyPermit(pid, kept);
        insertLegacyPermit(pid, gone);

        // Before: both match by username, as they did when they were made.
        assertEquals(200, search(TestTokens.user(kept, "clinician"), pid));
        assertEquals(200, search(TestTokens.user(gone, "clinician"), pid));

        backfill.run();

        assertEquals(Map.of("sub", "sub-" + kept, "name", "Test " + kept), binding(kept));
        assertEquals(ConsentGranteeBackfill.UNRESOLVED + gone, binding(gone).get("sub"));
        assertEquals(200, search(TestTokens.user(kept, "clinician"), pid));
        // Same usernames, other accounts: nothing.
        var other = TestTokens.claims(kept, "clinician");
        other.put("sub", "sub-recreated-" + UUID.randomUUID());
        assertEquals(204, search(TestTokens.sign(other), pid));
        assertEquals(204, search(TestTokens.user(gone, "clinician"), pid));
        assertEquals(0, backfill.run(), "nothing left to bind");
    }

    private static int search(String token, String pid) {
        return Api.as(token).queryParam("PatientID", pid).get("/dicomweb/studies").statusCode();
    }

    private void insertLegacyPermit(String pid, String username) throws Exception {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                INSERT INTO consent (id, patient_id, issuer, grantee_type, grantee, decision, all_studies, period_start,
                    status, created_by) VALUES (?, ?, '', 'user', ?, 'permit', true, now() - interval '1 minute', 'active', 'test')""")) {
            ps.setObject(1, UUID.randomUUID());
            ps.setString(2, pid);
            ps.setString(3, username);
            ps.executeUpdate();
        }
    }

    private Map<String, String> binding(String username) throws Exception {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT grantee_sub, grantee_name FROM consent WHERE grantee = ?")) {
            ps.setString(1, username);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(2) == null ? Map.of("sub", rs.getString(1)) : Map.of("sub", rs.getString(1), "name", rs.getString(2));
            }
        }
    }
}
