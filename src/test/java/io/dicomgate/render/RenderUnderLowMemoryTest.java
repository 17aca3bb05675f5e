package io.dicomgate.render;

import static io.dicomgate.render.RenderFixtures.decode;
import static io.dicomgate.render.RenderFixtures.image;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import io.dicomgate.testsupport.Api;
import io.dicomgate.testsupport.DicomFixtures;
import io.dicomgate.testsupport.Multipart;
import io.dicomgate.testsupport.PostgresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * 32 concurrent worst-case render requests against a server with a 256 MiB heap (run by the
 * {@code low-memory} surefire execution, {@code -Xmx256m}): every answer is 200, 400 or 503 — never a
 * 500 or an OutOfMemoryError — and afterwards the server is healthy and renders correctly.
 */
@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class RenderUnderLowMemoryTest {

    @Test
    void worstCaseRequestsDoNotExhaustTheHeap() throws Exception {
        var small = DicomFixtures.instance();
        int[] ramp = new int[16 * 16];
        for (int i = 0; i < ramp.length; i++) {
            ramp[i] = i;
        }
        Api.store(image(small, 16, 16).gray16(16, false, ramp).window("128", "256").bytes()).then().statusCode(200);
        byte[] before = renderSmall(small);
        assertEquals(16, decode(before).getWidth());
        long maxHeap = Runtime.getRuntime().maxMemory();
        System.out.printf("RENDER-LOW-MEMORY max heap %d MiB%n", maxHeap >> 20);
        var big = DicomFixtures.instance();
        int side = 1024;
        int frames = 6;
        int[] v = new int[side * side * frames];
        for (int i = 0; i < v.length; i++) {
            v[i] = (i * 7) % 4096;
        }
        int port = ConfigProvider.getConfig().getValue("quarkus.http.test-port", Integer.class);
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        // Not through RestAssured: its request logging would copy the 12 MiB body into this small heap.
        byte[] body = Multipart.of(image(big, side, side).gray16(12, false, v).frames(frames).bytes()).bytes();
        v = null;
        assertEquals(200, client.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/dicomweb/studies"))
                .header("Authorization", "Bearer " + Api.INGEST).header("Content-Type", Multipart.DICOM_TYPE).header("Accept", "application/dicom+json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.discarding())
                .statusCode());
        body = null;
        String path = "/dicomweb/studies/" + big.studyUid() + "/series/" + big.seriesUid() + "/instances/" + big.sopUid();
        String hundred = String.join("%2C", Collections.nCopies(100, "3"));
        List<String> worst = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            worst.add(switch (i % 4) {
                case 0 -> path + "/frames/" + hundred + "/rendered?viewport=4096,4096"; // more than the budget
                case 1 -> path + "/frames/" + hundred + "/rendered?viewport=2048,2048"; // the most one may run
                case 2 -> "/dicomweb/studies/" + big.studyUid() + "/rendered?viewport=4096,4096";
                default -> path + "/rendered?viewport=4096,4096&accept=image/gif";
            });
        }
        Map<Integer, Integer> statuses = new TreeMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(32);
        try {
            List<Future<Integer>> answers = new ArrayList<>();
            for (String url : worst) {
                answers.add(pool.submit(() -> client.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + url))
                        .header("Authorization", "Bearer " + Api.ADMIN).header("Accept", "image/jpeg, image/gif")
                        .timeout(Duration.ofMinutes(4)).build(), HttpResponse.BodyHandlers.discarding()).statusCode()));
            }
            for (Future<Integer> answer : answers) {
                statuses.merge(answer.get(), 1, Integer::sum);
            }
        } finally {
            pool.shutdownNow();
        }
        System.out.printf("RENDER-LOW-MEMORY statuses of 32 worst-case requests: %s%n", statuses);
        assertTrue(List.of(200, 400, 503).containsAll(statuses.keySet()), statuses.toString());
        assertTrue(statuses.getOrDefault(503, 0) > 0, "the bulkhead refused some: " + statuses);

        Api.as(Api.ADMIN).get("/q/health/ready").then().statusCode(200);
        // A normal request afterwards answers exactly as before the flood.
        assertArrayEquals(before, renderSmall(small));
    }

    private static byte[] renderSmall(DicomFixtures.Builder small) {
        return Api.as(Api.ADMIN).accept("image/png").get("/dicomweb/studies/" + small.studyUid() + "/series/"
                + small.seriesUid() + "/instances/" + small.sopUid() + "/rendered").then().statusCode(200).extract()
                .asByteArray();
    }
}
