package io.dicomgate.dimse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.dicomgate.audit.AuditRows;
import io.dicomgate.testsupport.Api;
import io.dicomgate.testsupport.DicomFixtures;
import io.dicomgate.testsupport.PostgresTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * The C-STORE SCP against real peers (README "Modalities: DICOM C-STORE over TLS"): dcmtk's
 * {@code echoscu} and {@code storescu} over plain TCP and TLS with client certificates, and a minimal
 * SCU of our own ({@link RawScu}) for what dcmtk cannot do on purpose: connect from another loopback
 * address, send a truncated object, drop the connection in the middle of one.
 */
@QuarkusTest
@TestProfile(DimseStoreScpTest.Listener.class)
class DimseStoreScpTest {

    static final Path ECHOSCU = Path.of("/usr/bin/echoscu");
    static final Path STORESCU = Path.of("/usr/bin/storescu");

    /** PostgreSQL and the listener of {@link DimsePeers}. */
    public static class Listener implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(PostgresTestResource.class), new TestResourceEntry(DimsePeers.class));
        }
    }

    @ConfigProperty(name = "dicomgate.dimse.port")
    int tlsPort;

    @ConfigProperty(name = "dicomgate.dimse.plain-port")
    int plainPort;

    @Inject
    DataSource dataSource;

    @Inject
    DimseStore store;

    @Inject
    DimseListener listener;

    @Test
    void echoAnswersOverTlsAndPlainTcp() {
        DimsePeers.Result plain = dcmtk(ECHOSCU, List.of(), "CT1", plainPort);
        assertEquals(0, plain.exit(), plain.output());
        DimsePeers.Result tls = dcmtk(ECHOSCU, tlsClient(DimsePeers.CLIENT_KEY, DimsePeers.CLIENT_CERT, true), "CT1", tlsPort);
        assertEquals(0, tls.exit(), tls.output());
    }

    @Test
    void storescuOverTlsStoresTheDataSetAsSentAndAuditsTheModality() throws IOException {
        DicomFixtures.Builder instance = DicomFixtures.instance().patient("DIMSE-TLS-1", "Modality^Tls").size(32, 32);
        Path file = write(instance);
        DimsePeers.Result r = dcmtk(STORESCU, tlsClient(DimsePeers.CLIENT_KEY, DimsePeers.CLIENT_CERT, true), "CT1",
                tlsPort, file.toString());
        assertEquals(0, r.exit(), r.output());
        assertFalse(r.output().contains("Store Failed"), r.output());

        byte[] stored = Api.as(Api.ADMIN).accept("application/dicom").get("/dicomweb/studies/" + instance.studyUid()
                + "/series/" + instance.seriesUid() + "/instances/" + instance.sopUid()).then().statusCode(200)
                .extract().asByteArray();
        assertArrayEquals(RawScu.dataSet(instance.bytes()), RawScu.dataSet(stored), "the data set as the modality sent it");

        List<Map<String, Object>> audit = query("SELECT * FROM audit_log WHERE action = 'STORE' AND study_uid = ?",
                instance.studyUid());
        assertEquals(1, audit.size(), audit.toString());
        Map<String, Object> row = audit.get(0);
        assertEquals("dimse:modality:CT1", row.get("subject"));
        assertEquals("modality:CT1", row.get("username"));
        assertEquals("127.0.0.1", row.get("source_address"));
        assertEquals("DIMSE-TLS-1", row.get("patient_id"));
        assertTrue(String.valueOf(row.get("detail")).contains("DIMSE C-STORE from AE CT1"), row.toString());
    }

    @Test
    void storescuOverPlainTcpStoresAndASecondSendIsAlreadyPresent() throws IOException {
        DicomFixtures.Builder instance = DicomFixtures.instance().patient("DIMSE-PLAIN-1", "Modality^Plain");
        Path file = write(instance);
        for (int i = 0; i < 2; i++) {
            DimsePeers.Result r = dcmtk(STORESCU, List.of(), "CT1", plainPort, file.toString());
            assertEquals(0, r.exit(), r.output());
            assertFalse(r.output().contains("Store Failed"), r.output());
        }
        assertEquals(1, studies(instance.studyUid()));
    }

    @Test
    void unknownCallingAeAndWrongCalledAeAreRejectedAtAssociation() throws IOException {
        DicomFixtures.Builder instance = DicomFixtures.instance();
        Path file = write(instance);
        DimsePeers.Result unknown = dcmtk(STORESCU, List.of(), "NOBODY", plainPort, file.toString());
        assertNotEquals(0, unknown.exit(), unknown.output());
        assertTrue(unknown.output().contains("Calling AE Title Not Recognized"), unknown.output());

        DimsePeers.Result called = run(STORESCU, List.of("-aet", "CT1", "-aec", "SOMEONE-ELSE"), plainPort, file.toString());
        assertNotEquals(0, called.exit(), called.output());
        assertTrue(called.output().contains("Called AE Title Not Recognized"), called.output());
        assertEquals(0, studies(instance.studyUid()));
    }

    @Test
    void aKnownAeFromAnAddressNotBoundToItIsRejected() throws IOException {
        DicomFixtures.Builder instance = DicomFixtures.instance();
        // FARAWAY may only call from 10.9.9.9; dcmtk calls from 127.0.0.1.
        DimsePeers.Result r = dcmtk(STORESCU, List.of(), "FARAWAY", plainPort, write(instance).toString());
        assertNotEquals(0, r.exit(), r.output());
        assertTrue(r.output().contains("Calling AE Title Not Recognized"), r.output());
        assertEquals(0, studies(instance.studyUid()));

        // CT1 from 127.0.0.2 (an address the allow-list knows, but for LOOP2): A-ASSOCIATE-RJ permanent,
        // service user, calling AE title not recognized (PS3.8 Table 9-21).
        try (RawScu scu = RawScu.connect("127.0.0.2", plainPort)) {
            byte[] answer = scu.associate("CT1", DimsePeers.AE, DicomFixtures.SECONDARY_CAPTURE);
            assertArrayEquals(new byte[] { 3, 0, 0, 0, 0, 4, 0, 1, 1, 3 }, answer);
        }
        try (RawScu scu = RawScu.connect("127.0.0.2", plainPort)) {
            assertEquals(2, scu.associate("LOOP2", DimsePeers.AE, DicomFixtures.SECONDARY_CAPTURE)[0], "accepted");
            scu.release();
        }
        // From an address no entry names, the connection is closed before any PDU is answered.
        try (RawScu scu = RawScu.connect("127.0.0.9", plainPort)) {
            byte[] answer;
            try {
                answer = scu.associate("CT1", DimsePeers.AE, DicomFixtures.SECONDARY_CAPTURE);
            } catch (IOException reset) {
                answer = new byte[0];
            }
            assertEquals(0, answer.length);
        }
    }

    @Test
    void badCertificatesFailTheTlsHandshake() throws IOException {
        DicomFixtures.Builder instance = DicomFixtures.instance();
        Path file = write(instance);
        // A client certificate our trust store does not hold.
        DimsePeers.Result rogue = dcmtk(STORESCU, tlsClient(DimsePeers.ROGUE_KEY, DimsePeers.ROGUE_CERT, true), "CT1",
                tlsPort, file.toString());
        assertNotEquals(0, rogue.exit(), rogue.output());
        // A modality that does not trust our certificate refuses to go on.
        DimsePeers.Result untrusting = dcmtk(STORESCU, tlsClient(DimsePeers.CLIENT_KEY, DimsePeers.CLIENT_CERT, false),
                "CT1", tlsPort, file.toString());
        assertNotEquals(0, untrusting.exit(), untrusting.output());
        // Cleartext DICOM to the TLS port is no TLS handshake.
        DimsePeers.Result cleartext = dcmtk(STORESCU, List.of(), "CT1", tlsPort, file.toString());
        assertNotEquals(0, cleartext.exit(), cleartext.output());
        assertEquals(0, studies(instance.studyUid()));
    }

    @Test
    void aTruncatedObjectFailsWithCannotUnderstandAndIsKeptInQuarantine() throws IOException {
        DicomFixtures.Builder whole = DicomFixtures.instance().size(64, 64);
        byte[] dataSet = RawScu.dataSet(whole.bytes());
        byte[] truncated = Arrays.copyOf(dataSet, dataSet.length - 3000);
        try (RawScu scu = RawScu.connect("127.0.0.1", plainPort)) {
            assertEquals(2, scu.associate("CT1", DimsePeers.AE, DicomFixtures.SECONDARY_CAPTURE)[0]);
            scu.storeCommand(DicomFixtures.SECONDARY_CAPTURE, whole.sopUid());
            scu.data(truncated, true);
            assertEquals(0xC000, scu.storeStatus());
            scu.release();
        }
        assertEquals(0, studies(whole.studyUid()));
        List<Map<String, Object>> entries = Api.as(Api.ADMIN).queryParam("limit", "1000").get("/api/quarantine").then()
                .statusCode(200).extract().jsonPath().getList("$");
        Map<String, Object> entry = entries.stream().filter(e -> "modality:CT1".equals(e.get("receivedBy"))
                && "CANNOT_UNDERSTAND".equals(e.get("reason"))).filter(e -> {
                    byte[] kept = Api.as(Api.ADMIN).get("/api/quarantine/" + e.get("id")).then().statusCode(200).extract()
                            .asByteArray();
                    return Arrays.equals(truncated, RawScu.dataSet(kept));
                }).findFirst().orElseThrow(() -> new AssertionError("not in quarantine: " + entries));
        assertEquals("CANNOT_UNDERSTAND", entry.get("reason"));
    }

    @Test
    void anAssociationDroppedMidTransferLeavesNothing() throws Exception {
        Path staging = stagingDirectory();
        Set<Path> before = list(staging);
        DicomFixtures.Builder instance = DicomFixtures.instance().size(128, 128);
        byte[] dataSet = RawScu.dataSet(instance.bytes());
        try (RawScu scu = RawScu.connect("127.0.0.1", plainPort)) {
            assertEquals(2, scu.associate("CT1", DimsePeers.AE, DicomFixtures.SECONDARY_CAPTURE)[0]);
            scu.storeCommand(DicomFixtures.SECONDARY_CAPTURE, instance.sopUid());
            scu.data(Arrays.copyOf(dataSet, dataSet.length / 2), false);
        }
        // The association thread notices the closed connection, deletes its staging file and ends. Waiting
        // for the staging area alone raced: it could be looked at before the thread had created the file.
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (listener.openAssociations() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(0, listener.openAssociations(), "the dropped association has ended");
        assertEquals(before, list(staging), "no staging file left behind");
        assertEquals(0, studies(instance.studyUid()));
        assertEquals(0, query("SELECT 1 FROM quarantine WHERE sop_instance_uid = ?", instance.sopUid()).size());
    }

    @Test
    void anObjectAboveTheMaximumIsRefusedWithOutOfResources() throws IOException {
        DicomFixtures.Builder big = DicomFixtures.instance().size(1500, 1500);
        byte[] dataSet = RawScu.dataSet(big.bytes());
        assertTrue(dataSet.length > DimsePeers.MAX_OBJECT);
        try (RawScu scu = RawScu.connect("127.0.0.1", plainPort)) {
            assertEquals(2, scu.associate("CT1", DimsePeers.AE, DicomFixtures.SECONDARY_CAPTURE)[0]);
            scu.storeCommand(DicomFixtures.SECONDARY_CAPTURE, big.sopUid());
            scu.data(dataSet, true);
            assertEquals(0xA700, scu.storeStatus());
            scu.release();
        }
        assertEquals(0, studies(big.studyUid()));
    }

    @Test
    void aConflictingInstanceIsAFailureAndWaitsInQuarantine() throws IOException {
        DicomFixtures.Builder original = DicomFixtures.instance().patient("DIMSE-DUP", "Conflict^One");
        assertEquals(0x0000, rawStore(original));
        DicomFixtures.Builder conflicting = DicomFixtures.instance().patient("DIMSE-DUP", "Conflict^Two")
                .study(original.studyUid()).series(original.seriesUid()).sop(original.sopUid());
        assertEquals(0xC000, rawStore(conflicting));
        assertEquals(1, query("SELECT 1 FROM quarantine WHERE sop_instance_uid = ? AND reason = 'DUPLICATE_SOP_INSTANCE'",
                original.sopUid()).size());
        byte[] stored = Api.as(Api.ADMIN).accept("application/dicom").get("/dicomweb/studies/" + original.studyUid()
                + "/series/" + original.seriesUid() + "/instances/" + original.sopUid()).then().statusCode(200)
                .extract().asByteArray();
        assertArrayEquals(RawScu.dataSet(original.bytes()), RawScu.dataSet(stored), "never a silent overwrite");
    }

    @Test
    void nothingIsAcknowledgedWhileTheAuditTrailCannotRecordIt() throws Exception {
        DicomFixtures.Builder instance = DicomFixtures.instance().patient("DIMSE-AUDIT", "Audit^Down");
        execute("CREATE OR REPLACE FUNCTION test_dimse_audit_block() RETURNS trigger AS $$ BEGIN"
                + " RAISE EXCEPTION 'audit table unwritable (test)'; END $$ LANGUAGE plpgsql",
                "CREATE TRIGGER test_dimse_audit_block BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION test_dimse_audit_block()");
        try {
            assertEquals(0xA700, rawStore(instance), "refused: out of resources, try again later");
        } finally {
            execute("DROP TRIGGER test_dimse_audit_block ON audit_log");
        }
        // Sent again, it is present already: success now, and audited.
        assertEquals(0x0000, rawStore(instance));
        assertFalse(query("SELECT 1 FROM audit_log WHERE action = 'STORE' AND study_uid = ? AND subject = ?",
                instance.studyUid(), "dimse:modality:CT1").isEmpty());
    }

    /** One C-STORE of the fixture's data set from CT1 over plain TCP; returns its status. */
    private int rawStore(DicomFixtures.Builder instance) throws IOException {
        try (RawScu scu = RawScu.connect("127.0.0.1", plainPort)) {
            assertEquals(2, scu.associate("CT1", DimsePeers.AE, DicomFixtures.SECONDARY_CAPTURE)[0]);
            scu.storeCommand(DicomFixtures.SECONDARY_CAPTURE, instance.sopUid());
            scu.data(RawScu.dataSet(instance.bytes()), true);
            int status = scu.storeStatus();
            scu.release();
            return status;
        }
    }

    private void execute(String... statements) throws java.sql.SQLException {
        try (java.sql.Connection c = dataSource.getConnection(); java.sql.Statement st = c.createStatement()) {
            for (String statement : statements) {
                st.execute(statement);
            }
        }
    }

    @Test
    void queryAndRetrieveAreNotOffered() throws IOException {
        try (RawScu scu = RawScu.connect("127.0.0.1", plainPort)) {
            byte[] ac = scu.associate("CT1", DimsePeers.AE, "1.2.840.10008.5.1.4.1.2.2.1"); // Study Root Q/R - FIND
            assertEquals(2, ac[0]);
            // The one presentation context item (0x21) has result 3: abstract syntax not supported.
            int at = indexOf(ac, (byte) 0x21);
            assertEquals(3, ac[at + 6]);
            scu.release();
        }
    }

    private static int indexOf(byte[] pdu, byte itemType) {
        int i = 74;
        while (i < pdu.length) {
            if (pdu[i] == itemType) {
                return i;
            }
            i += 4 + ((pdu[i + 2] & 0xFF) << 8 | pdu[i + 3] & 0xFF);
        }
        throw new AssertionError("no item " + itemType);
    }

    /** dcmtk options for TLS with our test PEM files; {@code trustServer} adds our certificate as trusted. */
    static List<String> tlsClient(Path key, Path cert, boolean trustServer) {
        List<String> args = new ArrayList<>(List.of("+tls", key.toString(), cert.toString(), "-pw"));
        if (trustServer) {
            args.addAll(List.of("+cf", DimsePeers.SERVER_CERT.toString()));
        }
        return args;
    }

    static DimsePeers.Result dcmtk(Path tool, List<String> options, String callingAe, int port, String... files) {
        List<String> args = new ArrayList<>(options);
        args.addAll(List.of("-aet", callingAe, "-aec", DimsePeers.AE));
        return run(tool, args, port, files);
    }

    static DimsePeers.Result run(Path tool, List<String> options, int port, String... files) {
        List<String> command = new ArrayList<>();
        command.add(tool.toString());
        command.addAll(options);
        command.addAll(List.of("-to", "20", "-ta", "20", "-td", "20", "127.0.0.1", Integer.toString(port)));
        command.addAll(List.of(files));
        return DimsePeers.run(command, 90);
    }

    static Path write(DicomFixtures.Builder instance) throws IOException {
        Path file = Files.createTempFile(DimsePeers.DIR, "object", ".dcm");
        Files.write(file, instance.bytes());
        return file;
    }

    /** Studies of this UID that QIDO-RS finds (204 or an empty array: none). */
    static int studies(String studyUid) {
        io.restassured.response.Response r = Api.as(Api.ADMIN).accept("application/dicom+json")
                .queryParam("StudyInstanceUID", studyUid).get("/dicomweb/studies");
        assertTrue(r.statusCode() == 200 || r.statusCode() == 204, r.asString());
        return r.statusCode() == 204 || r.asString().isBlank() ? 0 : r.jsonPath().getList("$").size();
    }

    private Path stagingDirectory() throws IOException {
        Path probe = store.newStagingFile();
        Files.delete(probe);
        return probe.getParent();
    }

    private static Set<Path> list(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return Set.copyOf(files.toList());
        }
    }

    private List<Map<String, Object>> query(String sql, Object... params) {
        return AuditRows.query(dataSource, sql, params);
    }

}
