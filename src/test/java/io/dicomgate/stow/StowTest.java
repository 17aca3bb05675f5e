package io.dicomgate.stow;

import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.dicomgate.testsupport.Api;
import io.dicomgate.testsupport.DicomFixtures;
import io.dicomgate.testsupport.Multipart;
import io.dicomgate.testsupport.PostgresTestResource;
import io.dicomgate.testsupport.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/** STOW-RS (PS3.18 §10.5): per-instance outcomes, status codes and what is (not) stored. */
@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class StowTest {

    private static final String FAILED = "'00081198'.Value";
    private static final String REFERENCED = "'00081199'.Value";

    @Test
    void storesInstancesAndAnswersWithRetrieveUrls() {
        var a = DicomFixtures.instance();
        var b = DicomFixtures.instance().inSeriesOf(a).instanceNumber(2);
        Api.store(a.bytes(), b.bytes()).then().statusCode(200)
                .contentType("application/dicom+json")
                .body(REFERENCED, hasSize(2))
                .body(REFERENCED + "[0].'00081155'.Value[0]", equalTo(a.sopUid()))
                .body(REFERENCED + "[0].'00081150'.Value[0]", equalTo(DicomFixtures.SECONDARY_CAPTURE))
                .body(REFERENCED + "[0].'00081190'.Value[0]",
                        endsWith("/dicomweb/studies/" + a.studyUid() + "/series/" + a.seriesUid() + "/instances/" + a.sopUid()))
                .body("'00081190'.Value[0]", endsWith("/dicomweb/studies/" + a.studyUid()))
                .body("'00081198'", nullValue());
        retrieveCount(a.studyUid(), 2);
    }

    @Test
    void ingestRoleMayStoreButNotRead() {
        var a = DicomFixtures.instance();
        Api.as(Api.INGEST).contentType(Multipart.DICOM_TYPE).body(Multipart.of(a.bytes()).bytes())
                .post("/dicomweb/studies").then().statusCode(200);
        Api.as(Api.INGEST).get("/dicomweb/studies/" + a.studyUid() + "/metadata").then().statusCode(403);
    }

    @Test
    void identicalResendIsSuccessAndStoredOnce() {
        var a = DicomFixtures.instance();
        byte[] bytes = a.bytes();
        Api.store(bytes).then().statusCode(200);
        Api.store(bytes).then().statusCode(200).body(REFERENCED, hasSize(1));
        retrieveCount(a.studyUid(), 1);
        byte[] retrieved = Api.as(Api.ADMIN).accept("application/dicom; transfer-syntax=*")
                .get("/dicomweb/studies/" + a.studyUid() + "/series/" + a.seriesUid() + "/instances/" + a.sopUid())
                .then().statusCode(200).extract().asByteArray();
        assertArrayEquals(bytes, retrieved);
    }

    @Test
    void differentBytesUnderAStoredSopInstanceUidAreRefusedAsDuplicate() {
        var a = DicomFixtures.instance();
        byte[] original = a.bytes();
        Api.store(original).then().statusCode(200);
        byte[] changed = a.studyDescription("changed").bytes();
        Api.store(changed).then().statusCode(409)
                .body(FAILED + "[0].'00081155'.Value[0]", equalTo(a.sopUid()))
                .body(FAILED + "[0].'00081197'.Value[0]", equalTo(0x0111));
        byte[] retrieved = Api.as(Api.ADMIN).accept("application/dicom; transfer-syntax=*")
                .get("/dicomweb/studies/" + a.studyUid() + "/series/" + a.seriesUid() + "/instances/" + a.sopUid())
                .then().statusCode(200).extract().asByteArray();
        assertArrayEquals(original, retrieved, "no silent overwrite");
    }

    @Test
    void studyUidOfThePathMustMatch() {
        var a = DicomFixtures.instance();
        String otherStudy = DicomFixtures.uid();
        Api.as(Api.ADMIN).contentType(Multipart.DICOM_TYPE).body(Multipart.of(a.bytes()).bytes())
                .post("/dicomweb/studies/" + otherStudy).then().statusCode(409)
                .body(FAILED + "[0].'00081155'.Value[0]", equalTo(a.sopUid()))
                .body(FAILED + "[0].'00081197'.Value[0]", equalTo(0xA900));
        Api.as(Api.ADMIN).contentType(Multipart.DICOM_TYPE).body(Multipart.of(a.bytes()).bytes())
                .post("/dicomweb/studies/" + a.studyUid()).then().statusCode(200);
    }

    @Test
    void instanceClaimingAnotherPatientsStudyIsRefused() {
        var a = DicomFixtures.instance();
        Api.store(a.bytes()).then().statusCode(200);
        var intruder = DicomFixtures.instance().study(a.studyUid());
        Api.store(intruder.bytes()).then().statusCode(409)
                .body(FAILED + "[0].'00081155'.Value[0]", equalTo(intruder.sopUid()))
                .body(FAILED + "[0].'00081197'.Value[0]", equalTo(0xA900));
        retrieveCount(a.studyUid(), 1);
    }

    /** One request, one new study: one series and all its instances counted once each. */
    @Test
    void instancesOfOneNewSeriesInOneRequestAreCountedOnce() {
        var first = DicomFixtures.instance();
        byte[][] bodies = new byte[6][];
        bodies[0] = first.bytes();
        for (int i = 1; i < bodies.length; i++) {
            bodies[i] = DicomFixtures.instance().inSeriesOf(first).instanceNumber(i + 1).bytes();
        }
        Api.store(bodies).then().statusCode(200).body(REFERENCED, hasSize(6));
        Api.as(Api.ADMIN).queryParam("StudyInstanceUID", first.studyUid()).get("/dicomweb/studies").then()
                .statusCode(200)
                .body("'00201206'.Value[0]", contains(1))
                .body("'00201208'.Value[0]", contains(6));
        Api.as(Api.ADMIN).get("/dicomweb/studies/" + first.studyUid() + "/series/" + first.seriesUid() + "/instances")
                .then().statusCode(200).body("size()", equalTo(6));
    }

    /**
     * The first instance of a request creates a new study and is then refused (its series belongs to
     * another study), which rolls its rows back: the next instance of the same new study must create
     * the study again, not refer to the rolled-back row.
     */
    @Test
    void aRefusedInstancesNewStudyDoesNotLeakToTheNextInstance() {
        var elsewhere = DicomFixtures.instance();
        Api.store(elsewhere.bytes()).then().statusCode(200);
        var refused = DicomFixtures.instance().series(elsewhere.seriesUid());
        var next = DicomFixtures.instance().inStudyOf(refused);
        Api.store(refused.bytes(), next.bytes()).then().statusCode(202)
                .body(REFERENCED, hasSize(1))
                .body(REFERENCED + "[0].'00081155'.Value[0]", equalTo(next.sopUid()))
                .body(FAILED + "[0].'00081155'.Value[0]", equalTo(refused.sopUid()));
        retrieveCount(next.studyUid(), 1);
        retrieveCount(elsewhere.studyUid(), 1);
    }

    @Test
    void someStoredSomeFailedIs202() {
        var good = DicomFixtures.instance();
        byte[] truncated = Arrays.copyOf(DicomFixtures.instance().bytes(), 300);
        Api.store(good.bytes(), truncated).then().statusCode(202)
                .body(REFERENCED, hasSize(1))
                .body(FAILED, hasSize(1))
                .body(FAILED + "[0].'00081197'.Value[0]", equalTo(0xC000));
        retrieveCount(good.studyUid(), 1);
    }

    /** PixelMed would parse most of these "successfully"; dicomgate refuses them. */
    @ParameterizedTest
    @ValueSource(ints = { 0, 10, 132, 200, 400, 600 })
    void truncatedInstancesAreRefused(int cut) {
        var a = DicomFixtures.instance().size(16, 16);
        byte[] bytes = a.bytes();
        int length = cut == 600 ? bytes.length - 1 : cut;
        Api.store(Arrays.copyOf(bytes, length)).then().statusCode(409)
                .body(FAILED + "[0].'00081197'.Value[0]", equalTo(0xC000));
        notFound(a.studyUid());
    }

    @Test
    void nonDicomPartIsRefused() {
        Api.store("this is not DICOM".getBytes()).then().statusCode(409)
                .body(FAILED + "[0].'00081197'.Value[0]", equalTo(0xC000));
    }

    @Test
    void partOfAnotherMediaTypeIsRefusedPerInstance() {
        var a = DicomFixtures.instance();
        var b = DicomFixtures.instance();
        byte[] body = new Multipart().part("image/jpeg", a.bytes()).part(null, b.bytes()).bytes();
        Api.as(Api.ADMIN).contentType(Multipart.DICOM_TYPE).body(body).post("/dicomweb/studies").then()
                .statusCode(202).body(FAILED + "[0].'00081197'.Value[0]", equalTo(0xC000))
                .body(REFERENCED + "[0].'00081155'.Value[0]", equalTo(b.sopUid()));
        notFound(a.studyUid());
    }

    @Test
    void missingMetaInformationIsRefused() throws Exception {
        var a = DicomFixtures.instance();
        var out = new java.io.ByteArrayOutputStream();
        a.attributes().write(out, DicomFixtures.EXPLICIT_LE, false, true);
        Api.store(out.toByteArray()).then().statusCode(409).body(FAILED + "[0].'00081197'.Value[0]", equalTo(0xC000));
        notFound(a.studyUid());
    }

    @ParameterizedTest
    @ValueSource(strings = { "application/dicom", "multipart/related; type=\"application/xml\"; boundary=x",
            "multipart/form-data; boundary=x", "text/plain" })
    void wrongMediaTypeIs415(String contentType) {
        Api.as(Api.ADMIN).contentType(contentType).body(Multipart.of(DicomFixtures.instance().bytes()).bytes())
                .post("/dicomweb/studies").then().statusCode(415);
    }

    @Test
    void missingBoundaryIs400() {
        Api.as(Api.ADMIN).contentType("multipart/related; type=\"application/dicom\"")
                .body(Multipart.of(DicomFixtures.instance().bytes()).bytes()).post("/dicomweb/studies").then()
                .statusCode(400);
    }

    @Test
    void truncatedMultipartBodyIs400AndStoresNothing() {
        var a = DicomFixtures.instance();
        var b = DicomFixtures.instance();
        byte[] body = Multipart.of(a.bytes(), b.bytes()).bytes(Multipart.BOUNDARY, false);
        byte[] cut = Arrays.copyOf(body, body.length - 100);
        Api.as(Api.ADMIN).contentType(Multipart.DICOM_TYPE).body(cut).post("/dicomweb/studies").then()
                .statusCode(400).body(containsString("multipart"));
        notFound(a.studyUid());
        notFound(b.studyUid());
    }

    @Test
    void boundaryMismatchIs400() {
        Api.as(Api.ADMIN).contentType("multipart/related; type=\"application/dicom\"; boundary=other")
                .body(Multipart.of(DicomFixtures.instance().bytes()).bytes()).post("/dicomweb/studies").then()
                .statusCode(400);
    }

    @Test
    void quotedBoundaryAndMissingTypeParameterAreAccepted() {
        var a = DicomFixtures.instance();
        Api.as(Api.ADMIN).contentType("multipart/related; boundary=\"" + Multipart.BOUNDARY + "\"")
                .body(Multipart.of(a.bytes()).bytes()).post("/dicomweb/studies").then().statusCode(200);
    }

    @ParameterizedTest
    @ValueSource(strings = { DicomFixtures.IMPLICIT_LE, DicomFixtures.EXPLICIT_LE, DicomFixtures.EXPLICIT_BE,
            DicomFixtures.DEFLATED, DicomFixtures.JPEG_BASELINE })
    void storesEveryCommonTransferSyntaxByteIdentical(String transferSyntax) {
        var a = DicomFixtures.instance().transferSyntax(transferSyntax).frames(2);
        byte[] bytes = a.bytes();
        Api.store(bytes).then().statusCode(200);
        Response r = Api.as(Api.ADMIN).accept("multipart/related; type=\"application/dicom\"; transfer-syntax=*")
                .get("/dicomweb/studies/" + a.studyUid());
        r.then().statusCode(200);
        assertArrayEquals(bytes, io.dicomgate.testsupport.MultipartParts.parse(r).get(0).body());
        assertEquals(transferSyntax, io.dicomgate.testsupport.MultipartParts.parse(r).get(0).transferSyntax());
    }

    @Test
    void unknownRoleTokenCannotStore() {
        Api.as(TestTokens.user("x")).contentType(Multipart.DICOM_TYPE)
                .body(Multipart.of(DicomFixtures.instance().bytes()).bytes()).post("/dicomweb/studies").then()
                .statusCode(403);
    }

    private static void retrieveCount(String studyUid, int expected) {
        Api.as(Api.ADMIN).queryParam("StudyInstanceUID", studyUid).get("/dicomweb/studies").then().statusCode(200)
                .body("'00201208'.Value[0]", contains(expected));
    }

    private static void notFound(String studyUid) {
        Api.as(Api.ADMIN).queryParam("StudyInstanceUID", studyUid).get("/dicomweb/studies").then().statusCode(204);
        Api.as(Api.ADMIN).get("/dicomweb/studies/" + studyUid + "/metadata").then().statusCode(404);
    }
}
