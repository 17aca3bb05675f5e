package io.dicomgate.testsupport;

import static io.restassured.RestAssured.given;

import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/** RestAssured shortcuts for the DICOMweb API with locally minted tokens. */
public final class Api {

    public static final String ADMIN = TestTokens.user("admin", "imaging-admin");
    public static final String INGEST = TestTokens.system("dicomgate-ingest", "system/ImagingStudy.cruds", "ingest");

    static {
        // Bodies are sent byte for byte: no charset appended to multipart/related.
        io.restassured.RestAssured.config = io.restassured.RestAssured.config().encoderConfig(
                io.restassured.config.EncoderConfig.encoderConfig()
                        .appendDefaultContentCharsetToContentTypeIfUndefined(false));
    }

    private Api() {
    }

    public static RequestSpecification as(String token) {
        return given().auth().oauth2(token);
    }

    /** STOW-RS of the given Part 10 objects as admin; asserts nothing. */
    public static Response store(byte[]... instances) {
        return as(ADMIN).contentType(Multipart.DICOM_TYPE).body(Multipart.of(instances).bytes())
                .post("/dicomweb/studies");
    }
}
