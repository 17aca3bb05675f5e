package io.dicomgate.stow;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.dicomgate.index.OrphanSweeper;
import io.dicomgate.testsupport.Api;
import io.dicomgate.testsupport.DicomFixtures;
import io.dicomgate.testsupport.Multipart;
import io.dicomgate.testsupport.PostgresTestResource;
import io.dicomgate.testsupport.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Refused is never lost (README "Quarantine"): a truncated or unreadable object and an instance that
 * conflicts with a stored one are kept with the reason the client was given, listable and downloadable
 * byte for byte by imaging administrators only, and left alone by the orphan sweep; a misaddressed but
 * valid instance is the client's mistake and is not kept.
 */
@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class QuarantineTest {

    private static final String FAILED = "'00081198'.Value";

    @Inject
    OrphanSweeper sweeper;

    @Test
    void truncatedUnreadableAndConflictingObjectsAreKeptWithTheirReason() throws Exception {
        DicomFixtures.Builder whole = DicomFixtures.instance().size(64, 64);
        byte[] truncated = Arrays.copyOf(whole.bytes(), whole.bytes().length - 3000);
        Api.store(truncated).then().statusCode(409).body(FAILED + "[0].'00081197'.Value[0]", equalTo(0xC000));

        byte[] garbage = new byte[5000];
        new Random(3).nextBytes(garbage);
        Api.store(garbage).then().statusCode(409);

        DicomFixtures.Builder original = DicomFixtures.instance().patient("QUAR-1", "Quarantine^One");
        Api.store(original.bytes()).then().statusCode(200);
        byte[] conflicting = DicomFixtures.instance().patient("QUAR-1", "Other^Name").study(original.studyUid())
                .series(original.seriesUid()).sop(original.sopUid()).bytes();
        Api.store(conflicting).then().statusCode(409).body(FAILED + "[0].'00081197'.Value[0]", equalTo(0x0111));

        List<Map<String, Object>> entries = Api.as(Api.ADMIN).get("/api/quarantine").then().statusCode(200)
                .extract().jsonPath().getList("$");
        Map<String, Object> truncatedEntry = bySize(entries, truncated.length);
        Map<String, Object> garbageEntry = bySize(entries, garbage.length);
        Map<String, Object> conflictEntry = bySize(entries, conflicting.length);
        assertEquals("CANNOT_UNDERSTAND", truncatedEntry.get("reason"));
        assertEquals("CANNOT_UNDERSTAND", garbageEntry.get("reason"));
        assertEquals("DUPLICATE_SOP_INSTANCE", conflictEntry.get("reason"));
        assertEquals(original.sopUid(), conflictEntry.get("sopInstanceUid"));
        assertEquals("QUAR-1", conflictEntry.get("patientId"));
        assertEquals("admin", conflictEntry.get("receivedBy"));

        // Downloadable as received, even after an orphan sweep; the stored instance is still the first one.
        sweeper.sweep(Instant.now().plusSeconds(3600));
        assertArrayEquals(truncated, download(truncatedEntry));
        assertArrayEquals(garbage, download(garbageEntry));
        assertArrayEquals(conflicting, download(conflictEntry));
        byte[] stored = Api.as(Api.ADMIN).accept("application/dicom").get("/dicomweb/studies/" + original.studyUid()
                + "/series/" + original.seriesUid() + "/instances/" + original.sopUid()).then().statusCode(200)
                .extract().asByteArray();
        assertArrayEquals(original.bytes(), stored, "never a silent overwrite");
    }

    @Test
    void aMisaddressedValidInstanceIsNotKeptAndOnlyAdministratorsReadTheQuarantine() {
        int before = Api.as(Api.ADMIN).queryParam("limit", "1000").get("/api/quarantine").then().statusCode(200)
                .extract().jsonPath().getList("$").size();
        DicomFixtures.Builder instance = DicomFixtures.instance();
        Api.as(Api.ADMIN).contentType(Multipart.DICOM_TYPE).body(Multipart.of(instance.bytes()).bytes())
                .post("/dicomweb/studies/1.2.3.4.5.6").then().statusCode(409);
        int after = Api.as(Api.ADMIN).queryParam("limit", "1000").get("/api/quarantine").then().statusCode(200)
                .extract().jsonPath().getList("$").size();
        assertEquals(before, after, "the client's own addressing mistake is not quarantined");

        Api.as(Api.INGEST).get("/api/quarantine").then().statusCode(403);
        Api.as(TestTokens.user("dr.q", "clinician")).get("/api/quarantine").then().statusCode(403);
        Api.as(Api.ADMIN).get("/api/quarantine/00000000-0000-0000-0000-000000000000").then().statusCode(404);
        Api.as(Api.ADMIN).queryParam("limit", "0").get("/api/quarantine").then().statusCode(400);
        io.restassured.RestAssured.get("/api/quarantine").then().statusCode(401);
    }

    private static Map<String, Object> bySize(List<Map<String, Object>> entries, int size) {
        return entries.stream().filter(e -> ((Number) e.get("sizeBytes")).intValue() == size).findFirst()
                .orElseThrow(() -> new AssertionError("no quarantine entry of " + size + " bytes in " + entries));
    }

    private static byte[] download(Map<String, Object> entry) {
        byte[] bytes = Api.as(Api.ADMIN).get("/api/quarantine/" + entry.get("id")).then().statusCode(200)
                .header("Content-Disposition", org.hamcrest.Matchers.startsWith("attachment")).extract().asByteArray();
        assertTrue(bytes.length > 0);
        return bytes;
    }
}
