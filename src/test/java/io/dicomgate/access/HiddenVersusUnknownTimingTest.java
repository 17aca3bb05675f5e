package io.dicomgate.access;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.UUID;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import io.dicomgate.testsupport.Api;
import io.dicomgate.testsupport.DicomFixtures;
import io.dicomgate.testsupport.PostgresTestResource;
import io.dicomgate.testsupport.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A measurement, not a timed test: a clinician without consent asks for a study that exists (hidden)
 * and for one that does not (unknown), and the same for a consent id, interleaved, over one keep-alive connection. The statuses are
 * asserted (both 404, search both 204); the latencies are only printed for the README, because a
 * shared machine's timings prove nothing on their own.
 */
@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class HiddenVersusUnknownTimingTest {

    private static final int ROUNDS = 400;
    private static final int WARM_UP = 100;

    @Test
    void hiddenAndUnknownStudiesAnswerAlikeAndArePrinted() throws Exception {
        var hidden = DicomFixtures.instance();
        Api.store(hidden.bytes()).then().statusCode(200);
        String unknown = hidden.studyUid() + ".9" + (System.nanoTime() % 1000);
        String stranger = TestTokens.user("dr.timing-" + UUID.randomUUID(), "clinician");
        int port = ConfigProvider.getConfig().getValue("quarkus.http.test-port", Integer.class);
        HttpClient http = HttpClient.newHttpClient();
        // A consent of another patient, hidden from this clinician like the study.
        String consentId = Api.as(TestTokens.patient("pat.timing", hidden.patientId())).contentType("application/json")
                .body(java.util.Map.of("grantee", java.util.Map.of("type", "user", "id", "dr.elsewhere"), "decision", "permit"))
                .post("/api/consents").then().statusCode(201).extract().path("id");
        String[][] cases = {
                { "consent", "/api/consents/%s", "application/json", "404" },
                { "metadata", "/dicomweb/studies/%s/metadata", "application/dicom+json", "404" },
                { "retrieve", "/dicomweb/studies/%s", "multipart/related; type=\"application/dicom\"", "404" },
                { "search", "/dicomweb/studies?StudyInstanceUID=%s", "application/dicom+json", "204" } };
        for (String[] c : cases) {
            long[] tHidden = new long[ROUNDS];
            long[] tUnknown = new long[ROUNDS];
            for (int i = 0; i < ROUNDS + WARM_UP; i++) {
                boolean consent = c[0].equals("consent");
                long h = time(http, port, c[1].formatted(consent ? consentId : hidden.studyUid()), c[2], stranger,
                        Integer.parseInt(c[3]));
                long u = time(http, port, c[1].formatted(consent ? UUID.randomUUID().toString() : unknown), c[2], stranger,
                        Integer.parseInt(c[3]));
                if (i >= WARM_UP) {
                    tHidden[i - WARM_UP] = h;
                    tUnknown[i - WARM_UP] = u;
                }
            }
            Arrays.sort(tHidden);
            Arrays.sort(tUnknown);
            System.out.printf("HIDDEN-VS-UNKNOWN %s: hidden p50 %.2f ms p90 %.2f ms | unknown p50 %.2f ms p90 %.2f ms (%d each)%n",
                    c[0], tHidden[ROUNDS / 2] / 1e6, tHidden[ROUNDS * 9 / 10] / 1e6, tUnknown[ROUNDS / 2] / 1e6,
                    tUnknown[ROUNDS * 9 / 10] / 1e6, ROUNDS);
        }
    }

    private static long time(HttpClient http, int port, String path, String accept, String token, int status)
            throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Authorization", "Bearer " + token).header("Accept", accept).GET().build();
        long t0 = System.nanoTime();
        HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        long elapsed = System.nanoTime() - t0;
        assertEquals(status, response.statusCode(), path);
        return elapsed;
    }
}
