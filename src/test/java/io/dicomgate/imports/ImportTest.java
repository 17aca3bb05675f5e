package io.dicomgate.imports;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.dicomgate.testsupport.Api;
import io.dicomgate.testsupport.DicomFixtures;
import io.dicomgate.testsupport.PostgresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * {@code /api/imports} with a folder tree as an old share holds it: nested folders, names without
 * {@code .dcm}, a zip, a DICOMDIR, a bare data set, File Meta that disagrees, a truncated file, a
 * conflicting instance and a text file. Everything storable is stored (repairs recorded), the rest is
 * quarantined and reported; a second import of the same folder stores nothing new and skips every
 * item by its checkpoint; a new file added later is the only thing the third import stores.
 */
@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class ImportTest {

    private static final Path ROOT = Path.of("target/test-imports");

    @Inject
    DataSource dataSource;

    @Test
    void aFolderIsImportedRepairedReportedAndResumable() throws Exception {
        Path share = Files.createDirectories(ROOT.resolve("share-" + UUID.randomUUID()));
        DicomFixtures.Builder first = DicomFixtures.instance().patient("IMP-1", "Import^One");
        DicomFixtures.Builder sameSeries = DicomFixtures.instance().inSeriesOf(first);
        DicomFixtures.Builder inZip1 = DicomFixtures.instance().patient("IMP-2", "Import^Two");
        DicomFixtures.Builder inZip2 = DicomFixtures.instance().inSeriesOf(inZip1);
        DicomFixtures.Builder bare = DicomFixtures.instance().inStudyOf(first).transferSyntax(DicomFixtures.IMPLICIT_LE);
        DicomFixtures.Builder wrongMeta = DicomFixtures.instance().inStudyOf(first);
        DicomFixtures.Builder existing = DicomFixtures.instance().patient("IMP-3", "Import^Three");
        Api.store(existing.bytes()).then().statusCode(200);
        byte[] conflicting = DicomFixtures.instance().patient("IMP-3", "Other^Name").study(existing.studyUid())
                .series(existing.seriesUid()).sop(existing.sopUid()).bytes();

        write(share.resolve("CT/2019/IM0001"), first.bytes());
        write(share.resolve("CT/2019/IM0002.dcm"), sameSeries.bytes());
        write(share.resolve("DICOMDIR"), first.bytes());
        write(share.resolve("notes.txt"), "not an image".getBytes());
        Files.createDirectories(share.resolve("cd"));
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(share.resolve("cd/export.zip")))) {
            entry(zip, "A/1", inZip1.bytes());
            entry(zip, "A/2.dcm", inZip2.bytes());
        }
        byte[] bareBytes = dataset(bare.bytes());
        write(share.resolve("raw/0001"), bareBytes);
        write(share.resolve("meta/bad"), withOtherMetaInstanceUid(wrongMeta));
        byte[] whole = DicomFixtures.instance().size(64, 64).bytes();
        write(share.resolve("broken/cut.dcm"), Arrays.copyOf(whole, whole.length - 3000));
        write(share.resolve("conflict/same-uid.dcm"), conflicting);

        long quarantinedBefore = count("SELECT count(*) FROM quarantine WHERE source = 'import'");
        JsonPath job = runToEnd(share);
        assertEquals("DONE", job.getString("state"));
        assertEquals(4, job.getLong("counts.stored"), job.prettify());
        assertEquals(2, job.getLong("counts.coerced"));
        assertEquals(2, job.getLong("counts.quarantined"));
        assertEquals(0, job.getLong("counts.failed"));
        assertEquals(0, job.getLong("counts.skipped"));
        assertTrue(job.getLong("bytes") > 0);

        for (DicomFixtures.Builder stored : List.of(sameSeries, inZip1, inZip2, wrongMeta)) {
            assertArrayEquals(dataset(stored.bytes()), dataset(retrieve(stored)));
        }
        assertArrayEquals(first.bytes(), retrieve(first), "stored byte for byte");
        assertArrayEquals(bareBytes, dataset(retrieve(bare)), "the data set unchanged, a File Meta added");

        List<Map<String, Object>> items = Api.as(Api.ADMIN).get("/api/imports/" + job.getString("id") + "/report")
                .then().statusCode(200).extract().jsonPath().getList("items");
        assertEquals("COERCED", outcomeOf(items, "raw/0001"));
        assertEquals("COERCED", outcomeOf(items, "meta/bad"));
        assertEquals("QUARANTINED", outcomeOf(items, "broken/cut.dcm"));
        assertEquals("CONFLICT", outcomeOf(items, "conflict/same-uid.dcm"));
        assertEquals("SKIPPED", outcomeOf(items, "notes.txt"), "not DICOM: reported, not stored");
        // The report pages: offset/limit within range, anything else a 400 naming the parameter.
        String report = "/api/imports/" + job.getString("id") + "/report";
        List<Map<String, Object>> page = Api.as(Api.ADMIN).queryParam("offset", 1).queryParam("limit", 2).get(report)
                .then().statusCode(200).extract().jsonPath().getList("items");
        assertEquals(items.subList(1, 3), page);
        for (String[] bad : new String[][] {{"limit", "0"}, {"limit", "10001"}, {"limit", "x"}, {"offset", "-1"},
                {"offset", "99999999999"}}) {
            Api.as(Api.ADMIN).queryParam(bad[0], bad[1]).get(report).then().statusCode(400)
                    .body(org.hamcrest.Matchers.containsString(bad[0] + " must be an integer from"));
        }
        assertEquals(quarantinedBefore + 2, count("SELECT count(*) FROM quarantine WHERE source = 'import'"),
                "other import tests of this JVM quarantine too");
        assertTrue(count("SELECT count(*) FROM audit_log WHERE action = 'STORE' AND detail = 'import "
                + job.getString("id") + "'") >= 3, "STORE events per patient and study of each group");
        assertEquals(1, count("SELECT count(*) FROM audit_log WHERE action = 'IMPORT' AND detail LIKE 'import "
                + job.getString("id") + " done:%'"), "the end of the import");

        // The same folder again: every item is checkpointed, nothing is read or stored.
        JsonPath again = runToEnd(share);
        assertEquals("DONE", again.getString("state"));
        assertEquals(again.getLong("counts.discovered"), again.getLong("counts.skipped"));
        assertEquals(0, again.getLong("counts.stored") + again.getLong("counts.alreadyPresent"));

        // A file added later is all the next import stores.
        DicomFixtures.Builder later = DicomFixtures.instance().inSeriesOf(first);
        write(share.resolve("CT/2020/IM0003"), later.bytes());
        JsonPath third = runToEnd(share);
        assertEquals(1, third.getLong("counts.stored"));
        assertEquals(third.getLong("counts.discovered") - 1, third.getLong("counts.skipped"));
    }

    @Test
    void aCancelledImportStopsAndImportingAgainFinishesIt() throws Exception {
        Path share = Files.createDirectories(ROOT.resolve("cancel-" + UUID.randomUUID()));
        DicomFixtures.Builder first = DicomFixtures.instance();
        write(share.resolve("0000"), first.bytes());
        for (int i = 1; i < 400; i++) {
            write(share.resolve(String.format("%04d", i)), DicomFixtures.instance().inSeriesOf(first).size(16, 16).bytes());
        }
        String id = start(share, 1);
        Api.as(Api.ADMIN).post("/api/imports/" + id + "/cancel").then().statusCode(202);
        JsonPath cancelled = ImportJobs.awaitEnd(id);
        assertEquals("CANCELLED", cancelled.getString("state"), cancelled.prettify());
        long before = cancelled.getLong("counts.stored");
        assertTrue(before < 400, "stopped before the end");

        JsonPath resumed = runToEnd(share);
        assertEquals("DONE", resumed.getString("state"));
        assertEquals(400, before + resumed.getLong("counts.stored") + resumed.getLong("counts.alreadyPresent"),
                resumed.prettify());
        Api.as(Api.ADMIN).get("/dicomweb/studies/" + first.studyUid() + "/series/" + first.seriesUid() + "/instances")
                .then().statusCode(200).body("size()", equalTo(400));
    }

    @Test
    void badRequestsAreClearAndFoldersOutsideTheRootsAreRefused() {
        Api.as(Api.ADMIN).contentType("application/json").body("{\"source\": {\"type\": \"folder\", \"path\": \"/etc\"}}")
                .post("/api/imports").then().statusCode(400);
        Api.as(Api.ADMIN).contentType("application/json").body("{\"source\": {\"type\": \"gopher\"}}")
                .post("/api/imports").then().statusCode(400);
        Api.as(Api.ADMIN).contentType("application/json").body("{\"source\": {\"type\": \"folder\", \"path\": \""
                + ROOT.toAbsolutePath() + "\"}, \"parallelism\": 99}").post("/api/imports").then().statusCode(400);
        Api.as(Api.ADMIN).contentType("application/json").body("{\"source\": {\"type\": \"ftp\", \"url\": "
                + "\"ftp://example.invalid/x\", \"password\": 5, \"extra\": 1}}").post("/api/imports").then().statusCode(400);
        Api.as(Api.ADMIN).contentType("application/json").body("[]").post("/api/imports").then().statusCode(400);
        Api.as(Api.ADMIN).get("/api/imports/" + UUID.randomUUID()).then().statusCode(404);
        Api.as(Api.ADMIN).get("/api/imports/not-a-uuid").then().statusCode(404);
        Api.as(Api.INGEST).get("/api/imports").then().statusCode(403);
        // An administrator whose token cannot store: refused before anything is read, not 400 objects refused.
        Api.as(io.dicomgate.testsupport.TestTokens.system("dicomgate-viewer", "openid user/ImagingStudy.rs", "imaging-admin"))
                .contentType("application/json").body("{\"source\": {\"type\": \"folder\", \"path\": \""
                        + ROOT.toAbsolutePath() + "\"}}").post("/api/imports").then().statusCode(403)
                .body(org.hamcrest.Matchers.containsString("store scope"));
        Api.as(Api.INGEST).contentType("application/json").body("{\"source\": {\"type\": \"folder\", \"path\": \""
                + ROOT.toAbsolutePath() + "\"}}").post("/api/imports").then().statusCode(403);
    }

    private static JsonPath runToEnd(Path folder) throws InterruptedException {
        return ImportJobs.awaitEnd(start(folder, 2));
    }

    private static String start(Path folder, int parallelism) {
        return ImportJobs.start("{\"source\": {\"type\": \"folder\", \"path\": \"" + folder.toAbsolutePath()
                + "\"}, \"parallelism\": " + parallelism + "}");
    }

    private static String outcomeOf(List<Map<String, Object>> items, String item) {
        return items.stream().filter(i -> item.equals(i.get("item"))).map(i -> (String) i.get("outcome")).findFirst()
                .orElse("absent from " + items);
    }

    private long count(String sql) throws Exception {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql);
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static byte[] retrieve(DicomFixtures.Builder instance) {
        return ImportJobs.retrieve(instance);
    }

    private static void write(Path file, byte[] bytes) throws Exception {
        Files.createDirectories(file.getParent());
        Files.write(file, bytes);
    }

    private static void entry(ZipOutputStream zip, String name, byte[] bytes) throws Exception {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(bytes);
        zip.closeEntry();
    }

    private static byte[] dataset(byte[] part10) {
        int offset = 132 + 12 + ByteBuffer.wrap(part10).order(ByteOrder.LITTLE_ENDIAN).getInt(140);
        return Arrays.copyOfRange(part10, offset, part10.length);
    }

    /** The File Meta's (0002,0003) with its last digit changed: the data set is untouched. */
    private static byte[] withOtherMetaInstanceUid(DicomFixtures.Builder instance) {
        byte[] bytes = instance.bytes().clone();
        byte[] uid = instance.sopUid().getBytes();
        for (int i = 132; i < bytes.length - uid.length; i++) {
            if (Arrays.equals(bytes, i, i + uid.length, uid, 0, uid.length)) {
                bytes[i + uid.length - 1] = (byte) (bytes[i + uid.length - 1] == '7' ? '8' : '7');
                return bytes;
            }
        }
        throw new AssertionError("no File Meta instance UID");
    }
}
