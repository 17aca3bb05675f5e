package io.dicomgate.stow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import io.dicomgate.testsupport.Api;
import io.dicomgate.testsupport.DicomFixtures;
import io.dicomgate.testsupport.Multipart;
import io.dicomgate.testsupport.PostgresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * An upload that stalls is cut by the idle timeout ({@code quarkus.http.idle-timeout}, 60 s in
 * production, 2 s here): the connection is closed, the staging file of its half-received part is
 * removed and nothing is stored; meanwhile it holds one of its caller's upload slots (1 here).
 */
@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
@TestProfile(StalledUploadTest.ShortIdleTimeout.class)
class StalledUploadTest {

    public static class ShortIdleTimeout implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.http.idle-timeout", "2S", "dicomgate.stow.max-concurrent-uploads", "1");
        }
    }

    @Test
    void aStalledBodyIsCutAndLeavesNoStagingFile() throws Exception {
        var b = DicomFixtures.instance();
        byte[] body = Multipart.of(b.bytes()).bytes();
        int port = ConfigProvider.getConfig().getValue("quarkus.http.test-port", Integer.class);
        Path staging = Path.of(ConfigProvider.getConfig().getValue("dicomgate.storage.root", String.class), "tmp");
        long stagedBefore = count(staging);
        try (Socket socket = new Socket("localhost", port)) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /dicomweb/studies HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + Api.INGEST
                    + "\r\nAccept: application/dicom+json\r\nContent-Type: " + Multipart.DICOM_TYPE + "\r\nContent-Length: " + body.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(body, 0, body.length / 2);
            out.flush();
            // While it stalls, the same caller's next upload is over its limit of one: 429.
            Thread.sleep(300);
            Api.as(Api.INGEST).contentType(Multipart.DICOM_TYPE).body(Multipart.of(DicomFixtures.instance().bytes()).bytes())
                    .post("/dicomweb/studies").then().statusCode(429).header("Retry-After", "2");
            // Then nothing more: the server must answer or close, not wait for ever.
            InputStream in = socket.getInputStream();
            long t0 = System.nanoTime();
            byte[] answer = in.readAllBytes(); // returns when the server closes the connection
            System.out.printf("STALLED-UPLOAD closed after %d ms with %d bytes of answer%n",
                    (System.nanoTime() - t0) / 1_000_000, answer.length);
        }
        // The request dies with its connection; its staging file is deleted as it unwinds.
        for (int i = 0; i < 100 && count(staging) > stagedBefore; i++) {
            Thread.sleep(100);
        }
        assertEquals(stagedBefore, count(staging), "no staging file left behind");
        Api.as(Api.ADMIN).queryParam("StudyInstanceUID", b.studyUid()).get("/dicomweb/studies").then().statusCode(204);
        // The slot of the dead upload is free again.
        Api.store(DicomFixtures.instance().bytes()).then().statusCode(200);
        assertTrue(Files.isDirectory(staging));
    }

    private static long count(Path dir) throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.count();
        }
    }
}
