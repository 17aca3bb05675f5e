package io.dicomgate.render;

import static io.dicomgate.render.RenderFixtures.image;
import static org.hamcrest.Matchers.containsString;

import java.util.Collections;

import org.junit.jupiter.api.Test;

import io.dicomgate.testsupport.Api;
import io.dicomgate.testsupport.DicomFixtures;
import io.dicomgate.testsupport.PostgresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** The documented maxima of one rendered request, refused with 400 before any pixel is decoded. */
@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class RenderLimitsTest {

    private static String instancePath(DicomFixtures.Builder b) {
        return "/dicomweb/studies/" + b.studyUid() + "/series/" + b.seriesUid() + "/instances/" + b.sopUid();
    }

    private static DicomFixtures.Builder stored(int rows, int columns, int frames) {
        var id = DicomFixtures.instance();
        int[] v = new int[rows * columns * frames];
        Api.store(image(id, rows, columns).gray16(16, false, v).frames(frames).bytes()).then().statusCode(200);
        return id;
    }

    @Test
    void tooManyFrameNumbersAre400() {
        String path = instancePath(stored(8, 8, 2));
        String many = String.join(",", Collections.nCopies(500, "1"));
        Api.as(Api.ADMIN).get(path + "/frames/" + many + "/rendered?viewport=64,64").then().statusCode(400)
                .body(containsString("at most 100 frames"));
        Api.as(Api.ADMIN).get(path + "/frames/" + String.join(",", Collections.nCopies(101, "2")) + "/rendered").then()
                .statusCode(400);
        Api.as(Api.ADMIN).accept("image/png").get(path + "/frames/" + String.join(",", Collections.nCopies(100, "2"))
                + "/rendered").then().statusCode(200);
    }

    @Test
    void viewportsAreBounded() {
        String path = instancePath(stored(16, 16, 1));
        Api.as(Api.ADMIN).get(path + "/rendered?viewport=8192,8192").then().statusCode(400)
                .body(containsString("at most 4096"));
        // 16×16 source: at most 4× enlarged.
        Api.as(Api.ADMIN).get(path + "/rendered?viewport=65,65").then().statusCode(400).body(containsString("4 times"));
        Api.as(Api.ADMIN).get(path + "/rendered?viewport=64,64").then().statusCode(200);
        Api.as(Api.ADMIN).get(path + "/frames/1/rendered?viewport=4096,4096").then().statusCode(400);
        Api.as(Api.ADMIN).get(path + "/thumbnail?viewport=4096,4096").then().statusCode(400);
        Api.as(Api.ADMIN).get("/dicomweb/studies/" + DicomFixtures.uid() + "/rendered?viewport=5000,10").then()
                .statusCode(400);
    }

    @Test
    void animatedGifFramesAreBounded() {
        String path = instancePath(stored(2, 2, 301));
        Api.as(Api.ADMIN).accept("image/gif").get(path + "/rendered").then().statusCode(400)
                .body(containsString("at most 300 frames"));
        Api.as(Api.ADMIN).accept("image/jpeg").get(path + "/rendered").then().statusCode(200);
    }
}
