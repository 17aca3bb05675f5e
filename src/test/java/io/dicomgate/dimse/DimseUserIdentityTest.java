package io.dicomgate.dimse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.dicomgate.audit.AuditRows;
import io.dicomgate.testsupport.Api;
import io.dicomgate.testsupport.DicomFixtures;
import io.dicomgate.testsupport.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * DICOM User Identity Negotiation with a JWT (PS3.7 D.3.3.7, type 5) from dcmtk's {@code storescu --jwt}:
 * the AE GATEWAY must send a token, which is verified like a DICOMweb bearer token, and stores as the
 * token's caller — audited under the token's subject, authorized by its roles per object.
 */
@QuarkusTest
@TestProfile(DimseStoreScpTest.Listener.class)
class DimseUserIdentityTest {

    @ConfigProperty(name = "dicomgate.dimse.plain-port")
    int plainPort;

    @Inject
    DataSource dataSource;

    @Test
    void aGatewayStoresAsTheCallerItsTokenNames() throws IOException {
        DicomFixtures.Builder instance = DicomFixtures.instance().patient("DIMSE-JWT-1", "Gateway^Jwt");
        DimsePeers.Result r = storescu(instance, jwt(Api.INGEST));
        assertEquals(0, r.exit(), r.output());
        assertFalse(r.output().contains("Store Failed"), r.output());
        assertEquals(1, DimseStoreScpTest.studies(instance.studyUid()));
        List<Map<String, Object>> audit = AuditRows.query(dataSource,
                "SELECT * FROM audit_log WHERE action = 'STORE' AND study_uid = ?", instance.studyUid());
        assertEquals(1, audit.size(), audit.toString());
        assertEquals("sub-service-account-dicomgate-ingest", audit.get(0).get("subject"));
        assertEquals("dicomgate-ingest", audit.get(0).get("client_id"));
        assertTrue(String.valueOf(audit.get(0).get("detail")).contains("DIMSE C-STORE from AE GATEWAY"));
    }

    @Test
    void withoutAValidTokenTheAssociationIsRejected() throws IOException {
        DicomFixtures.Builder instance = DicomFixtures.instance();
        DimsePeers.Result none = storescu(instance, null);
        assertNotEquals(0, none.exit(), none.output());
        assertTrue(none.output().contains("Association Rejected"), none.output());
        DimsePeers.Result forged = storescu(instance, jwt(Api.INGEST.substring(0, Api.INGEST.length() - 4) + "AAAA"));
        assertNotEquals(0, forged.exit(), forged.output());
        assertTrue(forged.output().contains("Association Rejected"), forged.output());
        assertEquals(0, DimseStoreScpTest.studies(instance.studyUid()));
    }

    @Test
    void aTokenThatMayNotStoreGetsNotAuthorizedPerObject() throws IOException {
        DicomFixtures.Builder instance = DicomFixtures.instance();
        DimsePeers.Result r = storescu(instance, jwt(TestTokens.user("dr.dimse", "clinician")));
        assertTrue(r.output().contains("Status: 0x124"), r.output()); // dcmtk names 0124H "Unknown Status"
        assertEquals(0, DimseStoreScpTest.studies(instance.studyUid()));
    }

    private DimsePeers.Result storescu(DicomFixtures.Builder instance, Path jwtFile) throws IOException {
        List<String> options = jwtFile == null ? List.of("-v")
                : List.of("-v", "--jwt", jwtFile.toString(), "--pos-response");
        return DimseStoreScpTest.dcmtk(DimseStoreScpTest.STORESCU, options, "GATEWAY", plainPort,
                DimseStoreScpTest.write(instance).toString());
    }

    private static Path jwt(String token) throws IOException {
        Path file = Files.createTempFile(DimsePeers.DIR, "token", ".jwt");
        Files.writeString(file, token);
        return file;
    }
}
