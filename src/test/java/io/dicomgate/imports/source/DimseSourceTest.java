package io.dicomgate.imports.source;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.DicomInputStream;
import com.pixelmed.dicom.TagFromName;

/** DimseSource against the DICOM port of Debian's Orthanc: C-FIND, then C-GET per series. */
class DimseSourceTest {

    static OrthancArchive archive;

    @TempDir
    Path staging;

    @BeforeAll
    static void archive() throws Exception {
        archive = OrthancArchive.get();
    }

    @Test
    void listsEverySeriesAndRetrievesItsInstancesAsTheArchiveHoldsThem() throws Exception {
        try (ImportSource source = open(OrthancArchive.CALLING_AE)) {
            Harvest harvest = Harvest.listed(source, staging);
            assertEquals(Map.of(), harvest.listErrors);
            Set<String> series = archive.instances.keySet().stream().map(k -> k.substring(0, k.lastIndexOf('/')))
                    .collect(Collectors.toCollection(TreeSet::new));
            assertEquals(Set.copyOf(series), Set.copyOf(harvest.keys()));
            assertEquals(harvest.keys(), Harvest.listed(source, staging).keys(), "a second listing has the same order");

            harvest.fetchAll(source);
            assertEquals(Map.of(), harvest.fetchErrors);
            assertEquals(archive.instances.keySet(), harvest.objects.keySet());
            for (var original : archive.instances.entrySet()) {
                AttributeList sent = read(original.getValue());
                AttributeList received = read(harvest.objects.get(original.getKey()));
                String sop = original.getKey().substring(original.getKey().lastIndexOf('/') + 1);
                assertEquals(sop, Attribute.getSingleStringValueOrEmptyString(received, TagFromName.SOPInstanceUID));
                assertEquals(Attribute.getSingleStringValueOrEmptyString(sent, TagFromName.TransferSyntaxUID),
                        Attribute.getSingleStringValueOrEmptyString(received, TagFromName.TransferSyntaxUID),
                        "the archive sent the transfer syntax it holds");
                assertArrayEquals(pixels(sent), pixels(received), original.getKey());
                assertArrayEquals(dataSet(original.getValue()), dataSet(harvest.objects.get(original.getKey())),
                        "data set bytes after the File Meta: " + original.getKey());
            }
            assertEquals(0, harvest.leftInStaging());
        }
    }

    @Test
    void anUnknownCallingAeIsAClearError() throws IOException {
        try (ImportSource source = open("STRANGER")) {
            IOException e = assertThrows(IOException.class, () -> Harvest.listed(source, staging));
            assertTrue(e.getMessage().contains("C-FIND at dicom://ORTHANC@127.0.0.1"), e.getMessage());
        }
    }

    private static ImportSource open(String callingAe) throws IOException {
        return ImportSources.open(SourceSpec.dimse("127.0.0.1", archive.server.dicomPort(), "ORTHANC", callingAe));
    }

    private static AttributeList read(byte[] part10) throws IOException, DicomException {
        AttributeList list = new AttributeList();
        try (DicomInputStream in = new DicomInputStream(new ByteArrayInputStream(part10))) {
            list.read(in);
        }
        return list;
    }

    /** Native pixels as bytes, or the concatenated compressed fragments. */
    private static byte[] pixels(AttributeList list) throws DicomException {
        Attribute pixels = list.get(TagFromName.PixelData);
        if (pixels instanceof com.pixelmed.dicom.OtherByteAttributeMultipleCompressedFrames compressed) {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            for (byte[] frame : compressed.getFrames()) {
                out.writeBytes(frame);
            }
            return out.toByteArray();
        }
        return pixels.getByteValues(false);
    }

    /** The bytes after the File Meta group (PS3.10 §7.1: its length is (0002,0000), right after "DICM"). */
    private static byte[] dataSet(byte[] part10) {
        int groupLength = (part10[140] & 0xff) | (part10[141] & 0xff) << 8 | (part10[142] & 0xff) << 16
                | (part10[143] & 0xff) << 24;
        int start = 144 + groupLength;
        return java.util.Arrays.copyOfRange(part10, start, part10.length);
    }
}
