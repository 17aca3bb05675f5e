package io.dicomgate.imports.source;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.pixelmed.dicom.AttributeList;

import io.dicomgate.testsupport.DicomFixtures;

/** FolderSource on a real directory tree: names, nesting, zips, system files, links, vanished files. */
class FolderSourceTest {

    @TempDir
    Path tmp;
    Path share;
    Path staging;

    @BeforeEach
    void setUp() throws IOException {
        share = Files.createDirectories(tmp.resolve("share"));
        staging = Files.createDirectories(tmp.resolve("staging"));
    }

    @Test
    void listsEveryFileInNameOrderAndHandsOverTheDicomOnes() throws IOException {
        byte[] a = DicomFixtures.instance().bytes();
        byte[] b = DicomFixtures.instance().transferSyntax(DicomFixtures.IMPLICIT_LE).bytes();
        byte[] raw = rawDataSet();
        write("PAT1/STUDY1/IM000001", a);
        write("PAT1/STUDY1/b.dcm", b);
        write("PAT1/raw.dat", raw);
        write("PAT1/DICOMDIR", a);
        write("PAT1/dicomdir.bak", "not a directory record".getBytes());
        write("Thumbs.db", new byte[] { 1, 2, 3 });
        write(".DS_Store", new byte[] { 1, 2, 3 });
        write(".hidden/x.dcm", a);
        write("readme.txt", "burned by a CD writer".getBytes());
        write("empty", new byte[0]);
        write("ctl\u0001name.dcm", b);

        ImportSource source = ImportSources.open(SourceSpec.folder(share.toString()));
        Harvest harvest = Harvest.listed(source, staging);

        assertEquals(List.of("PAT1/STUDY1/IM000001", "PAT1/STUDY1/b.dcm", "PAT1/dicomdir.bak", "PAT1/raw.dat",
                "ctl\\u0001name.dcm", "empty", "readme.txt"), harvest.keys());
        assertEquals(a.length, harvest.items.get(0).size());
        assertEquals(harvest.keys(), Harvest.listed(source, staging).keys(), "a second run lists the same");
        assertEquals(Map.of(), harvest.listErrors);

        harvest.fetchAll(source);
        assertEquals(Map.of(), harvest.fetchErrors);
        assertEquals(List.of("PAT1/STUDY1/IM000001", "PAT1/STUDY1/b.dcm", "PAT1/raw.dat", "ctl\\u0001name.dcm"),
                List.copyOf(harvest.objects.keySet()));
        assertArrayEquals(a, harvest.objects.get("PAT1/STUDY1/IM000001"));
        assertArrayEquals(raw, harvest.objects.get("PAT1/raw.dat"));
        assertArrayEquals(b, harvest.objects.get("ctl\\u0001name.dcm"));
        assertEquals(Map.of("PAT1/dicomdir.bak", DicomSniffer.NOT_DICOM, "empty", "empty file", "readme.txt",
                DicomSniffer.NOT_DICOM), harvest.skipped);
        assertEquals(0, harvest.leftInStaging());
    }

    @Test
    void aZipArchiveIsOneItemWhoseEntriesAreObjects() throws IOException {
        byte[] a = DicomFixtures.instance().bytes();
        byte[] b = DicomFixtures.instance().bytes();
        ByteArrayOutputStream inner = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(inner)) {
            entry(zip, "x.dcm", a);
        }
        Path archive = share.resolve("cd.ZIP");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(archive))) {
            zip.putNextEntry(new ZipEntry("DICOM/"));
            zip.closeEntry();
            entry(zip, "DICOM/IM1", a);
            entry(zip, "DICOM/../../IM2", b);
            entry(zip, "DICOMDIR", a);
            entry(zip, "__MACOSX/DICOM/._IM1", a);
            entry(zip, "report.pdf", "%PDF-1.4".getBytes());
            entry(zip, "nested.zip", inner.toByteArray());
        }
        ImportSource source = ImportSources.open(SourceSpec.folder(share.toString()));
        Harvest harvest = Harvest.listed(source, staging).fetchAll(source);

        assertEquals(List.of("cd.ZIP"), harvest.keys());
        assertEquals(List.of("cd.ZIP!/DICOM/../../IM2", "cd.ZIP!/DICOM/IM1"), List.copyOf(harvest.objects.keySet()));
        assertArrayEquals(a, harvest.objects.get("cd.ZIP!/DICOM/IM1"));
        assertArrayEquals(b, harvest.objects.get("cd.ZIP!/DICOM/../../IM2"));
        assertEquals(Map.of("cd.ZIP!/report.pdf", DicomSniffer.NOT_DICOM, "cd.ZIP!/nested.zip",
                "nested zip archive not opened"), harvest.skipped);
        assertEquals(0, harvest.leftInStaging());
        assertFalse(Files.exists(tmp.resolve("IM2")));
    }

    @Test
    void entryNamesInCodePage437AsOldWindowsToolsWroteThem() throws IOException {
        byte[] a = DicomFixtures.instance().bytes();
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(share.resolve("old.zip")),
                java.nio.charset.Charset.forName("IBM437"))) {
            entry(zip, "Müller/IM1", a);
        }
        ImportSource source = ImportSources.open(SourceSpec.folder(share.toString()));
        Harvest harvest = Harvest.listed(source, staging).fetchAll(source);
        assertEquals(Map.of(), harvest.fetchErrors);
        assertArrayEquals(a, harvest.objects.get("old.zip!/Müller/IM1"));
    }

    @Test
    void anEntryInflatingBeyondTheLimitIsSkippedNotStaged() throws IOException {
        byte[] a = DicomFixtures.instance().bytes();
        Path archive = share.resolve("bomb.zip");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(archive))) {
            entry(zip, "small.dcm", a);
            zip.putNextEntry(new ZipEntry("huge.dcm"));
            byte[] zeros = new byte[1 << 20];
            System.arraycopy(a, 0, zeros, 0, 132);
            for (int i = 0; i < 8; i++) {
                zip.write(zeros);
            }
            zip.closeEntry();
        }
        SourceSpec spec = new SourceSpec("folder", share.toString(), null, null, null, null, null, null, null, null, null,
                null, null, 2L << 20);
        ImportSource source = ImportSources.open(spec);
        Harvest harvest = Harvest.listed(source, staging).fetchAll(source);

        assertEquals(List.of("bomb.zip!/small.dcm"), List.copyOf(harvest.objects.keySet()));
        assertTrue(harvest.skipped.get("bomb.zip!/huge.dcm").startsWith("zip entry"), harvest.skipped.toString());
        assertEquals(0, harvest.leftInStaging());
    }

    @Test
    void aBrokenZipIsASourceErrorOfThatItemOnly() throws IOException {
        write("a/broken.zip", "PK not really".getBytes());
        write("b/ok.dcm", DicomFixtures.instance().bytes());
        ImportSource source = ImportSources.open(SourceSpec.folder(share.toString()));
        Harvest harvest = Harvest.listed(source, staging).fetchAll(source);

        assertEquals(List.of("a/broken.zip"), List.copyOf(harvest.fetchErrors.keySet()));
        assertTrue(harvest.fetchErrors.get("a/broken.zip").startsWith("not a readable zip archive"));
        assertEquals(List.of("b/ok.dcm"), List.copyOf(harvest.objects.keySet()));
    }

    @Test
    void symbolicLinksAreFollowedButNeverIntoALoop() throws IOException {
        byte[] a = DicomFixtures.instance().bytes();
        write("data/IM1", a);
        Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
        Files.write(elsewhere.resolve("IM2"), a);
        Files.createSymbolicLink(share.resolve("data/loop"), share);
        Files.createSymbolicLink(share.resolve("linked"), elsewhere);
        Files.createSymbolicLink(share.resolve("dangling"), tmp.resolve("nowhere"));

        ImportSource source = ImportSources.open(SourceSpec.folder(share.toString()));
        Harvest harvest = Harvest.listed(source, staging);

        assertEquals(List.of("data/IM1", "linked/IM2"), harvest.keys());
        assertEquals(List.of("dangling", "data/loop"), List.copyOf(harvest.listErrors.keySet()));
        assertTrue(harvest.listErrors.get("data/loop").contains("not followed"));
    }

    @Test
    void aFileDeletedAfterListingIsASourceErrorOfThatItemOnly() throws IOException {
        write("1.dcm", DicomFixtures.instance().bytes());
        write("2.dcm", DicomFixtures.instance().bytes());
        ImportSource source = ImportSources.open(SourceSpec.folder(share.toString()));
        Harvest harvest = Harvest.listed(source, staging);
        Files.delete(share.resolve("1.dcm"));
        harvest.fetchAll(source);

        assertEquals(List.of("1.dcm"), List.copyOf(harvest.fetchErrors.keySet()));
        assertTrue(harvest.fetchErrors.get("1.dcm").contains("no longer exists"));
        assertEquals(List.of("2.dcm"), List.copyOf(harvest.objects.keySet()));
    }

    @Test
    void itemKeysCannotReachOutsideTheFolder() throws IOException {
        Files.write(tmp.resolve("secret.dcm"), DicomFixtures.instance().bytes());
        ImportSource source = ImportSources.open(SourceSpec.folder(share.toString()));
        Harvest harvest = new Harvest(staging);
        IOException e = assertThrows(IOException.class,
                () -> source.fetch(new SourceItem("../secret.dcm", -1), harvest.staging(), harvest));
        assertTrue(e.getMessage().contains("outside"));
    }

    @Test
    void foldersOutsideTheAllowedRootsAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ImportSources.open(SourceSpec.folder(share.toString()), List.of(tmp.resolve("other"))));
        assertTrue(e.getMessage().contains("outside the folders allowed"));
    }

    @Test
    void displayAndKeyNameTheFolder() throws IOException {
        ImportSource source = ImportSources.open(SourceSpec.folder(share.toString()));
        assertEquals(share.toString(), source.display());
        assertEquals("folder:" + share, source.key());
    }

    private void write(String relative, byte[] bytes) throws IOException {
        Path file = share.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.write(file, bytes);
    }

    private static void entry(ZipOutputStream zip, String name, byte[] bytes) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(bytes);
        zip.closeEntry();
    }

    /** A data set without preamble or File Meta, Implicit VR Little Endian, as old modalities wrote. */
    private static byte[] rawDataSet() throws IOException {
        try {
            AttributeList list = DicomFixtures.instance().attributes();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (OutputStream o = out) {
                list.write(o, DicomFixtures.IMPLICIT_LE, false, true);
            }
            return out.toByteArray();
        } catch (com.pixelmed.dicom.DicomException e) {
            throw new IOException(e);
        }
    }
}
