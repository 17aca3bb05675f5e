package io.dicomgate.qido;

import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;

import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.dicomgate.testsupport.Api;
import io.dicomgate.testsupport.DicomFixtures;
import io.dicomgate.testsupport.PostgresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;

/** QIDO-RS (PS3.18 §10.6) on all six resources, against data stored through STOW-RS. */
@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class QidoTest {

    /** Each test stores its own patient so tests never see each other's data. */
    private static String newPatient() {
        return "QIDO-" + UUID.randomUUID().toString().substring(0, 13);
    }

    private static RequestSpecification admin() {
        return Api.as(Api.ADMIN);
    }

    @Test
    void studyResultCarriesTheRequiredAttributesAsDicomJson() {
        String pid = newPatient();
        var a = DicomFixtures.instance().patient(pid, "Doe^John").modality("CT").studyDate("20230405", "083000")
                .accession("A-" + pid.substring(5, 12));
        var b = DicomFixtures.instance().inStudyOf(a).modality("PR").seriesNumber(2);
        var c = DicomFixtures.instance().inSeriesOf(b).modality("PR").instanceNumber(2);
        Api.store(a.bytes(), b.bytes(), c.bytes()).then().statusCode(200);

        admin().queryParam("PatientID", pid).get("/dicomweb/studies").then().statusCode(200)
                .contentType("application/dicom+json")
                .body("$", hasSize(1))
                .body("[0].'0020000D'.vr", equalTo("UI"))
                .body("[0].'0020000D'.Value[0]", equalTo(a.studyUid()))
                .body("[0].'00100010'.vr", equalTo("PN"))
                .body("[0].'00100010'.Value[0].Alphabetic", equalTo("Doe^John"))
                .body("[0].'00100020'.Value[0]", equalTo(pid))
                .body("[0].'00080020'.Value[0]", equalTo("20230405"))
                .body("[0].'00080061'.Value", containsInAnyOrder("CT", "PR"))
                .body("[0].'00201206'.Value[0]", equalTo(2))
                .body("[0].'00201208'.Value[0]", equalTo(3))
                .body("[0].'00080056'.Value[0]", equalTo("ONLINE"))
                .body("[0].'00081190'.Value[0]", endsWith("/dicomweb/studies/" + a.studyUid()))
                .body("[0]", not(hasKey("0008103E")));
    }

    @Test
    void allSixResourcesAnswer() {
        String pid = newPatient();
        var a = DicomFixtures.instance().patient(pid, "Six^Res").modality("MR");
        var b = DicomFixtures.instance().inSeriesOf(a).instanceNumber(2);
        var c = DicomFixtures.instance().inStudyOf(a).seriesNumber(7).modality("SR");
        Api.store(a.bytes(), b.bytes(), c.bytes()).then().statusCode(200);
        String s = "/dicomweb/studies/" + a.studyUid();

        admin().get(s + "/series").then().statusCode(200).body("$", hasSize(2))
                .body("collect { it.'0020000E'.Value[0] }", containsInAnyOrder(a.seriesUid(), c.seriesUid()))
                .body("find { it.'0020000E'.Value[0] == '" + a.seriesUid() + "' }.'00201209'.Value[0]", equalTo(2))
                .body("[0]", not(hasKey("00100010")));
        admin().queryParam("PatientID", pid).get("/dicomweb/series").then().statusCode(200).body("$", hasSize(2))
                .body("collect { it.'00100020'.Value[0] }", everyItem(equalTo(pid)));
        admin().get(s + "/series/" + a.seriesUid() + "/instances").then().statusCode(200).body("$", hasSize(2))
                .body("collect { it.'00080018'.Value[0] }", contains(a.sopUid(), b.sopUid()))
                .body("[0].'00081190'.Value[0]",
                        endsWith(s + "/series/" + a.seriesUid() + "/instances/" + a.sopUid()))
                .body("[0].'00280010'.Value[0]", equalTo(8));
        admin().get(s + "/instances").then().statusCode(200).body("$", hasSize(3))
                .body("[0]", hasKey("0020000E"));
        admin().queryParam("PatientID", pid).queryParam("Modality", "SR").get("/dicomweb/instances").then()
                .statusCode(200).body("$", hasSize(1)).body("[0].'00080018'.Value[0]", equalTo(c.sopUid()))
                .body("[0].'0020000D'.Value[0]", equalTo(a.studyUid()));
    }

    @ParameterizedTest(name = "{0}={1} → {2}")
    @CsvSource({
            "PatientName, Garcia^Maria, 1",
            "PatientName, garcia^maria, 1",
            "PatientName, Garc*, 2",
            "PatientName, G?rcia*, 2",
            "PatientName, *Maria, 1",
            "PatientName, Nobody*, 0",
            "00100010, Garcia^Maria, 1",
            "StudyDate, 20210310, 1",
            "StudyDate, 20210101-20211231, 2",
            "StudyDate, -20210310, 1",
            "StudyDate, 20210311-, 1",
            "StudyTime, 1015, 1",
            "StudyTime, 0900-1100, 1",
            "ModalitiesInStudy, US, 1",
            "ModalitiesInStudy, C*, 1",
            "AccessionNumber, ACC-ONE-*, 1",
            "StudyDescription, *scan*, 2",
            "ReferringPhysicianName, wilson*, 2",
    })
    void matchingPerPs34(String key, String value, int expected) {
        String pid = newPatient();
        var one = DicomFixtures.instance().patient(pid + "-1", "Garcia^Maria").issuer(pid).studyDate("20210310", "101500")
                .modality("CT").accession("ACC-ONE-" + pid.substring(5, 10)).studyDescription("CT scan head")
                .referringPhysician("Wilson^James");
        var two = DicomFixtures.instance().patient(pid + "-2", "Garcia^Lucia").issuer(pid).studyDate("20211120", "153000")
                .modality("US").accession("ACC-TWO-" + pid.substring(5, 10)).studyDescription("US scan")
                .referringPhysician("Wilson^Amber");
        Api.store(one.bytes(), two.bytes()).then().statusCode(200);
        var response = admin().queryParam("IssuerOfPatientID", pid).queryParam(key, value).get("/dicomweb/studies");
        if (expected == 0) {
            response.then().statusCode(204);
        } else {
            response.then().statusCode(200).body("$", hasSize(expected));
        }
    }

    @Test
    void uidListMatchingWithCommasBackslashesOrRepeats() {
        String pid = newPatient();
        var a = DicomFixtures.instance().patient(pid, "List^A");
        var b = DicomFixtures.instance().patient(pid, "List^A");
        var c = DicomFixtures.instance().patient(pid, "List^A");
        Api.store(a.bytes(), b.bytes(), c.bytes()).then().statusCode(200);
        admin().queryParam("StudyInstanceUID", a.studyUid() + "," + b.studyUid()).get("/dicomweb/studies").then()
                .statusCode(200).body("$", hasSize(2));
        admin().queryParam("StudyInstanceUID", a.studyUid() + "\\" + c.studyUid()).get("/dicomweb/studies").then()
                .statusCode(200).body("$", hasSize(2));
        admin().queryParam("StudyInstanceUID", a.studyUid(), b.studyUid(), c.studyUid()).get("/dicomweb/studies")
                .then().statusCode(200).body("$", hasSize(3));
    }

    /**
     * Stored attributes are copied into the results as stored JSON text: values with JSON's own special
     * characters and non-ASCII come out exactly as stored, and the result is one valid JSON array.
     */
    @Test
    void resultsCarryStoredValuesWithJsonSpecialCharactersExactly() {
        String pid = newPatient();
        String description = "Knee \"left\" </script> {x: [1]} Zoë";
        var a = DicomFixtures.instance().patient(pid, "O'Brien^Seán").characterSet("ISO_IR 192")
                .studyDescription(description);
        Api.store(a.bytes()).then().statusCode(200);
        admin().queryParam("PatientID", pid).queryParam("includefield", "StudyDescription").get("/dicomweb/studies")
                .then().statusCode(200).body("$", hasSize(1))
                .body("[0].'00081030'.Value[0]", equalTo(description))
                .body("[0].'00100010'.Value[0].Alphabetic", equalTo("O'Brien^Seán"))
                .body("[0].'0020000D'.Value[0]", equalTo(a.studyUid()))
                .body("[0].'00081190'.Value[0]", org.hamcrest.Matchers.endsWith("/studies/" + a.studyUid()));
    }

    @Test
    void percentEncodedNonAsciiNamesMatch() {
        String pid = newPatient();
        var a = DicomFixtures.instance().patient(pid, "Müller^Jürgen").characterSet("ISO_IR 100");
        var b = DicomFixtures.instance().patient(pid + "X", "Ωμέγα^Άλφα").characterSet("ISO_IR 192");
        Api.store(a.bytes(), b.bytes()).then().statusCode(200);
        // RestAssured percent-encodes the UTF-8 bytes; the server must decode before matching.
        admin().queryParam("PatientName", "Müller^Jürgen").get("/dicomweb/studies").then().statusCode(200)
                .body("$", hasSize(1)).body("[0].'00100010'.Value[0].Alphabetic", equalTo("Müller^Jürgen"));
        admin().queryParam("PatientName", "MÜLLER*").get("/dicomweb/studies").then().statusCode(200)
                .body("collect { it.'00100020'.Value[0] }", org.hamcrest.Matchers.hasItem(pid));
        admin().urlEncodingEnabled(false).queryParam("PatientName", "%CE%A9%CE%BC%CE%AD%CE%B3%CE%B1*")
                .get("/dicomweb/studies").then().statusCode(200).body("$", hasSize(1))
                .body("[0].'00100020'.Value[0]", equalTo(pid + "X"));
    }

    @Test
    void includefieldAddsAttributesByKeywordTagOrAll() {
        String pid = newPatient();
        var a = DicomFixtures.instance().patient(pid, "Incl^Field").studyDescription("Chest");
        Api.store(a.bytes()).then().statusCode(200);
        admin().queryParam("PatientID", pid).queryParam("includefield", "StudyDescription,00100040")
                .get("/dicomweb/studies").then().statusCode(200)
                .body("[0].'00081030'.Value[0]", equalTo("Chest"))
                .body("[0].'00100040'.Value[0]", equalTo("F"));
        admin().queryParam("PatientID", pid).queryParam("includefield", "all").get("/dicomweb/studies").then()
                .statusCode(200).body("[0].'00081030'.Value[0]", equalTo("Chest"))
                .body("[0].'00200010'.Value[0]", equalTo("S1"));
        admin().queryParam("PatientID", pid).queryParam("includefield", "SeriesDescription")
                .get("/dicomweb/series").then().statusCode(200)
                .body("[0].'0008103E'.Value[0]", equalTo("Test series"));
    }

    @ParameterizedTest(name = "{0} includefield=all has {1}: {2}")
    @CsvSource(delimiter = '|', value = {
            // level attributes of PS3.3 modules that were instance-level before
            "/studies|00102000|true",
            "/studies|00201070|true",
            "/studies|00181020|false",
            "/studies|00204000|false",
            "/series|00181020|true",
            "/series|00102000|true",
            "/series|00204000|false",
            "/instances|00204000|true",
            "/instances|00181020|true",
            "/instances|00201070|true",
    })
    void includefieldAllReturnsEveryStoredAttributeOfTheLevelAndAbove(String resource, String tag, boolean present) {
        String pid = newPatient();
        var a = DicomFixtures.instance().patient(pid, "All^Fields")
                .text(com.pixelmed.dicom.TagFromName.MedicalAlerts, "Latex")
                .text(com.pixelmed.dicom.TagFromName.OtherStudyNumbers, "OSN-1")
                .text(com.pixelmed.dicom.TagFromName.SoftwareVersions, "v9")
                .text(com.pixelmed.dicom.TagFromName.ImageComments, "comment");
        Api.store(a.bytes()).then().statusCode(200);
        var body = admin().queryParam("PatientID", pid).queryParam("includefield", "all")
                .get("/dicomweb" + resource).then().statusCode(200).body("$", hasSize(1));
        body.body("[0]", present ? hasKey(tag) : not(hasKey(tag)));
        // Without includefield they are not returned (none is a Table 10.6.3-3/-4/-5 attribute).
        admin().queryParam("PatientID", pid).get("/dicomweb" + resource).then().statusCode(200)
                .body("[0]", not(hasKey(tag)));
    }

    @Test
    void requestAttributesSequenceIsReturnedAtSeriesLevel() {
        String pid = newPatient();
        var a = DicomFixtures.instance().patient(pid, "Req^Attrs").accession("ACC-RA").requestAttributes("RP-7", "SPS-9");
        var b = DicomFixtures.instance().inStudyOf(a).seriesNumber(2);
        Api.store(a.bytes(), b.bytes()).then().statusCode(200);
        String series = "/dicomweb/studies/" + a.studyUid() + "/series";
        admin().queryParam("SeriesInstanceUID", a.seriesUid()).get(series).then().statusCode(200)
                .body("[0].'00400275'.vr", equalTo("SQ"))
                .body("[0].'00400275'.Value[0].'00401001'.Value[0]", equalTo("RP-7"))
                .body("[0].'00400275'.Value[0].'00400009'.Value[0]", equalTo("SPS-9"))
                .body("[0].'00400275'.Value[0].'00080050'.Value[0]", equalTo("ACC-RA"));
        // A series stored without it does not get one made up.
        admin().queryParam("SeriesInstanceUID", b.seriesUid()).get(series).then().statusCode(200)
                .body("[0]", not(hasKey("00400275")));
        admin().queryParam("PatientID", pid).queryParam("SeriesInstanceUID", a.seriesUid()).get("/dicomweb/series")
                .then().statusCode(200).body("[0].'00400275'.Value[0].'00401001'.Value[0]", equalTo("RP-7"));
    }

    @Test
    void limitAndOffsetPageThroughResults() {
        String pid = newPatient();
        for (int i = 0; i < 5; i++) {
            Api.store(DicomFixtures.instance().patient(pid, "Page^" + i).studyDate("2020010" + (i + 1), "120000")
                    .bytes()).then().statusCode(200);
        }
        admin().queryParam("PatientID", pid).queryParam("limit", 2).get("/dicomweb/studies").then().statusCode(200)
                .body("$", hasSize(2)).header("Warning", nullValue())
                .body("collect { it.'00080020'.Value[0] }", contains("20200105", "20200104"));
        admin().queryParam("PatientID", pid).queryParam("limit", 2).queryParam("offset", 4).get("/dicomweb/studies")
                .then().statusCode(200).body("$", hasSize(1)).body("[0].'00080020'.Value[0]", equalTo("20200101"));
        admin().queryParam("PatientID", pid).queryParam("offset", 5).get("/dicomweb/studies").then().statusCode(204);
    }

    @ParameterizedTest(name = "fuzzymatching {0}={1} → {2}")
    @CsvSource(delimiter = '|', value = {
            "PatientName|jurgen^muller|MULLER",
            "PatientName|Muller Jurgen|MULLER",
            "PatientName|JÜRGEN|MULLER",
            "PatientName|Doe John|DOE",
            "PatientName|john|DOE",
            "PatientName|j*^doe|DOE",
            "PatientName|Mül*|MULLER",
            "PatientName|müller^hans|",
            "PatientName|Jürgen Doe|",
            "ReferringPhysicianName|gregory house|DOE,MULLER",
            "ReferringPhysicianName|Dvořák|MULLER",
            "ReferringPhysicianName|dvorak antonin|MULLER",
    })
    void fuzzymatchingIgnoresCaseAccentsAndWordOrder(String key, String value, String expected) {
        String issuer = newPatient();
        var muller = DicomFixtures.instance().patient("MULLER", "Müller^Jürgen^Karl").issuer(issuer)
                .characterSet("ISO_IR 192").referringPhysician("Dvořák^Antonín");
        var doe = DicomFixtures.instance().patient("DOE", "Doe^John").issuer(issuer)
                .referringPhysician("House^Gregory");
        Api.store(muller.bytes(), doe.bytes()).then().statusCode(200);
        var muller2 = DicomFixtures.instance().patient("MULLER", "Müller^Jürgen^Karl").issuer(issuer)
                .characterSet("ISO_IR 192").referringPhysician("House^Gregory");
        Api.store(muller2.bytes()).then().statusCode(200);
        var response = admin().queryParam("IssuerOfPatientID", issuer).queryParam(key, value)
                .queryParam("fuzzymatching", "true").get("/dicomweb/studies");
        if (expected == null) {
            response.then().statusCode(204).header("Warning", nullValue());
            return;
        }
        response.then().statusCode(200).header("Warning", nullValue())
                .body("collect { it.'00100020'.Value[0] }.unique().sort()", equalTo(java.util.List.of(expected.split(","))));
    }

    @Test
    void withoutFuzzymatchingNamesMatchLiterally() {
        String issuer = newPatient();
        Api.store(DicomFixtures.instance().patient("MULLER", "Müller^Jürgen^Karl").issuer(issuer).characterSet("ISO_IR 192")
                .bytes()).then().statusCode(200);
        admin().queryParam("IssuerOfPatientID", issuer).queryParam("PatientName", "jurgen^muller")
                .get("/dicomweb/studies").then().statusCode(204);
        admin().queryParam("IssuerOfPatientID", issuer).queryParam("PatientName", "jurgen^muller")
                .queryParam("fuzzymatching", "false").get("/dicomweb/studies").then().statusCode(204);
        admin().queryParam("IssuerOfPatientID", issuer).queryParam("PatientName", "müller^jürgen^karl")
                .get("/dicomweb/studies").then().statusCode(200).body("$", hasSize(1));
    }

    @Test
    void unsupportedKeysAnswerWithAWarning() {
        String pid = newPatient();
        Api.store(DicomFixtures.instance().patient(pid, "Fuzzy^One").bytes()).then().statusCode(200);
        admin().queryParam("PatientID", pid).queryParam("fuzzymatching", "true").get("/dicomweb/studies").then()
                .statusCode(200).header("Warning", nullValue());
        admin().queryParam("PatientID", pid).queryParam("Manufacturer", "ACME").get("/dicomweb/studies").then()
                .statusCode(200).header("Warning", containsString("Manufacturer"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "limit=-1", "limit=abc", "offset=-5", "StudyDate=2021", "StudyDate=20210101-20210202-20210303",
            "StudyTime=25x", "StudyInstanceUID=1.2.abc", "NoSuchKeyword=1", "fuzzymatching=maybe",
            "includefield=NotAKeyword", "SeriesNumber=abc", "PatientID=a&PatientID=b" })
    void badParametersAre400(String query) {
        admin().get("/dicomweb/instances?" + query).then().statusCode(400);
    }

    @Test
    void malformedStudyUidInPathIs400() {
        admin().get("/dicomweb/studies/not-a-uid/series").then().statusCode(400);
    }

    @Test
    void onlyDicomJsonIsOffered() {
        admin().accept("application/dicom+xml").get("/dicomweb/studies").then().statusCode(406);
        admin().accept("application/dicom+json").queryParam("PatientID", newPatient()).get("/dicomweb/studies")
                .then().statusCode(204);
        admin().accept("*/*").queryParam("PatientID", newPatient()).get("/dicomweb/studies").then().statusCode(204);
    }
}
