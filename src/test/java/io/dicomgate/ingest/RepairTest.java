package io.dicomgate.ingest;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.dicomgate.access.Caller;
import io.dicomgate.dicom.Part10Scanner;
import io.dicomgate.dicom.Part10Structure;
import io.dicomgate.testsupport.Api;
import io.dicomgate.testsupport.DicomFixtures;
import io.dicomgate.testsupport.PostgresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The repairs table of README "Repairs and quarantine": File Meta that disagrees with the data set,
 * a wrong or missing group length and a missing preamble are repaired, recorded on the instance and
 * answered with Warning Reason B000 (PS3.18 Table 10.5.3-2); the data set's bytes are never changed; a
 * bare data set is refused by STOW-RS (PS3.10 required) and gets a File Meta on import.
 */
@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class RepairTest {

    private static final String STORED = "'00081199'.Value";
    private static final String FAILED = "'00081198'.Value";

    @Inject
    Ingestion ingestion;

    @Inject
    DataSource dataSource;

    @Test
    void fileMetaUidsThatDisagreeWithTheDataSetAreTakenFromIt() throws Exception {
        DicomFixtures.Builder instance = DicomFixtures.instance();
        byte[] original = instance.bytes();
        byte[] wrongMeta = original.clone();
        byte[] uid = instance.sopUid().getBytes(StandardCharsets.US_ASCII);
        int at = indexOf(wrongMeta, uid);
        assertTrue(at < datasetOffset(original), "the first occurrence is the File Meta's");
        wrongMeta[at + uid.length - 1] = (byte) (wrongMeta[at + uid.length - 1] == '7' ? '8' : '7');

        Api.store(wrongMeta).then().statusCode(202)
                .body(STORED + "[0].'00081196'.Value[0]", equalTo(0xB000))
                .body(STORED + "[0].'00081155'.Value[0]", equalTo(instance.sopUid()))
                .body("$", not(hasKey("00081198")));

        byte[] stored = retrieve(instance);
        assertArrayEquals(dataset(original), dataset(stored), "the data set is stored byte for byte");
        assertTrue(indexOf(Arrays.copyOf(stored, datasetOffset(stored)), uid) > 0, "the File Meta names the instance");
        assertTrue(coercions(instance.sopUid()).contains("(0002,0003) taken from the data set"));
    }

    @Test
    void aWrongGroupLengthIsRecomputedAndAValidFileIsStoredAsItIs() throws Exception {
        DicomFixtures.Builder instance = DicomFixtures.instance();
        byte[] original = instance.bytes();
        byte[] wrongLength = original.clone();
        ByteBuffer meta = ByteBuffer.wrap(wrongLength).order(ByteOrder.LITTLE_ENDIAN);
        meta.putInt(140, meta.getInt(140) + 6);

        Api.store(wrongLength).then().statusCode(202).body(STORED + "[0].'00081196'.Value[0]", equalTo(0xB000));
        assertArrayEquals(original, retrieve(instance), "only the group length differed");
        assertEquals("File Meta Information Group Length (0002,0000) recomputed", coercions(instance.sopUid()));

        DicomFixtures.Builder noPreamble = DicomFixtures.instance();
        byte[] withPreamble = noPreamble.bytes();
        Api.store(Arrays.copyOfRange(withPreamble, 132, withPreamble.length)).then().statusCode(202);
        assertArrayEquals(dataset(withPreamble), dataset(retrieve(noPreamble)));
        assertTrue(coercions(noPreamble.sopUid()).startsWith("preamble and DICM prefix added"));

        DicomFixtures.Builder valid = DicomFixtures.instance();
        Api.store(valid.bytes()).then().statusCode(200).body(STORED + "[0]", not(hasKey("00081196")));
        assertEquals(null, coercions(valid.sopUid()));
    }

    @Test
    void aBareDataSetIsRefusedByStowAndGetsAFileMetaOnImport() throws Exception {
        for (String syntax : List.of(DicomFixtures.IMPLICIT_LE, DicomFixtures.EXPLICIT_LE)) {
            DicomFixtures.Builder instance = DicomFixtures.instance().transferSyntax(syntax);
            byte[] bare = dataset(instance.bytes());
            Api.store(bare).then().statusCode(409).body(FAILED + "[0].'00081197'.Value[0]", equalTo(0xC000));

            Caller admin = new Caller("import-test", "import-test", "dicomgate-cli", Set.of("imaging-admin"),
                    Set.of("system/ImagingStudy.c"), null, "");
            Path file = ingestion.newStagingFile();
            Files.write(file, bare);
            IngestResult result;
            try (IngestSession session = ingestion.open(admin, IngestChannel.IMPORT, null, "import test")) {
                result = session.store(file);
            }
            assertEquals(IngestResult.Status.STORED, result.status(), result.toString());
            assertTrue(result.fixes().get(0).startsWith("File Meta Information built from the data set"));
            assertTrue(Files.notExists(file), "the staged file is consumed");
            byte[] stored = retrieve(instance);
            assertArrayEquals(bare, dataset(stored));
            Part10Structure structure = Part10Scanner.scan(write(stored));
            assertEquals(syntax, structure.transferSyntaxUid());

            // The same bytes again: present already, nothing new.
            Path again = ingestion.newStagingFile();
            Files.write(again, bare);
            try (IngestSession session = ingestion.open(admin, IngestChannel.IMPORT, null, "import test")) {
                assertEquals(IngestResult.Status.ALREADY_PRESENT, session.store(again).status());
            }
        }
        assertEquals(4, auditRows("import test", "SUCCESS"), "one STORE event per session (one patient each)");
    }

    @Test
    void anObjectWithoutValidUidsIsNotRepairedButQuarantined() throws Exception {
        DicomFixtures.Builder instance = DicomFixtures.instance().sop("not-a-uid");
        Api.store(instance.bytes()).then().statusCode(409).body(FAILED + "[0].'00081197'.Value[0]", equalTo(0xA900));
    }

    private static byte[] retrieve(DicomFixtures.Builder instance) {
        return Api.as(Api.ADMIN).accept("application/dicom; transfer-syntax=*").get("/dicomweb/studies/" + instance.studyUid()
                + "/series/" + instance.seriesUid() + "/instances/" + instance.sopUid()).then().statusCode(200)
                .extract().asByteArray();
    }

    private String coercions(String sopUid) throws Exception {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT coercions FROM instance WHERE sop_instance_uid = ?")) {
            ps.setString(1, sopUid);
            try (ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next(), "indexed");
                return rs.getString(1);
            }
        }
    }

    private int auditRows(String detail, String outcome) throws Exception {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT count(*) FROM audit_log WHERE detail = ? AND outcome = ? AND action = 'STORE'")) {
            ps.setString(1, detail);
            ps.setString(2, outcome);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    private static int datasetOffset(byte[] part10) {
        return 132 + 12 + ByteBuffer.wrap(part10).order(ByteOrder.LITTLE_ENDIAN).getInt(140);
    }

    private static byte[] dataset(byte[] part10) {
        return Arrays.copyOfRange(part10, datasetOffset(part10), part10.length);
    }

    private static Path write(byte[] bytes) throws Exception {
        Path file = Files.createTempFile("repair", ".dcm");
        Files.write(file, bytes);
        file.toFile().deleteOnExit();
        return file;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
