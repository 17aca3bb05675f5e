package io.dicomgate.access;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.extension.ExtendWith;

import io.dicomgate.testsupport.KeycloakLogOnFailure;
import io.dicomgate.testsupport.KeycloakServer;
import io.dicomgate.testsupport.Multipart;
import io.dicomgate.testsupport.RealKeycloakProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * The access matrix with tokens issued by the real Keycloak distribution for the demo realm's users
 * and clients (keycloak-realm/): the same situations, resources and audit checks as
 * {@link AccessMatrixTest}.
 */
@QuarkusTest
@TestProfile(RealKeycloakProfile.class)
@ExtendWith(KeycloakLogOnFailure.class)
class KeycloakAccessMatrixIT extends AccessMatrix {

    private static final String PASSWORD = "demo";
    static final Caller ADMIN = new Caller("admin", false);
    static final Caller CUDDY = new Caller("dr.cuddy (clinician with consents)", false);
    static final Caller CUDDY_HEADER = new Caller("dr.cuddy with break-glass header (no emergency role)", true);
    static final Caller HOUSE = new Caller("dr.house (emergency role) without header", false);
    static final Caller HOUSE_BREAK_GLASS = new Caller("dr.house with break-glass reason", true);
    static final Caller ALICE_PORTAL = new Caller("alice via dicomgate-portal", false);
    static final Caller ALICE_VIEWER = new Caller("alice via dicomgate-viewer", false);
    static final Caller BOB = new Caller("bob via dicomgate-viewer", false);
    static final Caller CUDDY_PORTAL = new Caller("dr.cuddy via dicomgate-portal (patient/ scope)", false);
    static final Caller EHR = new Caller("ehr-integration client", false);

    private final Map<String, String[]> tokens = new ConcurrentHashMap<>();

    @Override
    protected List<Caller> callers() {
        return List.of(ADMIN, CUDDY, CUDDY_HEADER, HOUSE, HOUSE_BREAK_GLASS, ALICE_PORTAL, ALICE_VIEWER, BOB,
                CUDDY_PORTAL, EHR);
    }

    @Override
    protected String token(Caller who) {
        KeycloakServer keycloak = KeycloakServer.shared();
        return cached(who.name(), () -> switch (who.name().split(" ")[0]) {
            case "admin" -> keycloak.passwordToken("admin", PASSWORD);
            case "dr.cuddy" -> who == CUDDY_PORTAL ? keycloak.passwordTokenVia("dicomgate-portal", "dr.cuddy", PASSWORD)
                    : keycloak.passwordToken("dr.cuddy", PASSWORD);
            case "dr.house" -> keycloak.passwordToken("dr.house", PASSWORD);
            case "alice" -> who == ALICE_PORTAL ? keycloak.passwordTokenVia("dicomgate-portal", "alice", PASSWORD)
                    : keycloak.passwordToken("alice", PASSWORD);
            case "bob" -> keycloak.passwordToken("bob", PASSWORD);
            case "ehr-integration" -> keycloak.clientCredentialsToken("ehr-integration", "ehr-integration-demo-secret");
            default -> throw new IllegalArgumentException(who.name());
        });
    }

    /** Tokens live 300 s; the matrix takes longer, so each is refreshed after 200 s. */
    private String cached(String key, java.util.function.Supplier<String> fetch) {
        long now = System.currentTimeMillis();
        String[] entry = tokens.get(key);
        if (entry == null || now - Long.parseLong(entry[1]) > 200_000) {
            entry = new String[] { fetch.get(), Long.toString(now) };
            tokens.put(key, entry);
        }
        return entry[0];
    }

    /** dr.house's grants from earlier cases are closed so each case starts from his consents alone. */
    @Override
    protected void beforeCase(Caller who) throws Exception {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("DELETE FROM break_glass WHERE username = 'dr.house'")) {
            ps.executeUpdate();
        }
    }

    @Override
    protected boolean visible(Caller who, Situation s) {
        if (who == ADMIN || who == HOUSE_BREAK_GLASS) {
            return true;
        }
        if (who == CUDDY || who == CUDDY_HEADER) {
            return s == Situation.CONSENTED || s == Situation.ONE_STUDY_ONLY;
        }
        if (who == ALICE_PORTAL || who == ALICE_VIEWER) {
            return s == Situation.OWN;
        }
        if (who == EHR) {
            return s == Situation.EHR_CONSENTED;
        }
        return false; // dr.house without header, bob (none of these is his), dr.cuddy with patient/ scope
    }

    @Override
    protected boolean opensGrant(Caller who, Situation s) {
        return who == HOUSE_BREAK_GLASS;
    }

    @Override
    protected String consentedClinician() {
        return "dr.cuddy";
    }

    @Override
    protected String consentedClient() {
        return "ehr-integration";
    }

    @Override
    protected String ownPatientId() {
        return "PAT-ALICE-001";
    }

    @Override
    protected void store(byte[] instance) {
        String ingest = KeycloakServer.shared().clientCredentialsToken("dicomgate-ingest", "dicomgate-ingest-demo-secret");
        io.restassured.RestAssured.given().auth().oauth2(ingest).contentType(Multipart.DICOM_TYPE)
                .body(Multipart.of(instance).bytes()).post("/dicomweb/studies").then().statusCode(200);
    }
}
