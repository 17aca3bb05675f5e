package io.dicomgate.stow;

import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;

import org.junit.jupiter.api.Test;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.CodeStringAttribute;
import com.pixelmed.dicom.DicomInputStream;
import com.pixelmed.dicom.FileMetaInformation;
import com.pixelmed.dicom.OtherByteAttribute;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.UnsignedShortAttribute;

import io.dicomgate.testsupport.Api;
import io.dicomgate.testsupport.DicomFixtures;
import io.dicomgate.testsupport.PostgresTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Valid objects that old archives hold and that were refused as "cannot understand" (0xC000): a
 * native YBR_FULL_422 image, whose Pixel Data holds two samples per pixel (PS3.3 C.7.6.3.1.2), and a
 * Deflated Explicit VR Little Endian file written by dcmtk ({@code dcmconv +td}). Each is stored and
 * retrieved byte for byte.
 */
@QuarkusTest
@QuarkusTestResource(PostgresTestResource.class)
class RealWorldFilesTest {

    @Test
    void nativeYbrFull422IsStored() throws Exception {
        int rows = 8;
        int columns = 8;
        AttributeList list = DicomFixtures.instance().size(rows, columns).attributes();
        put(list, new CodeStringAttribute(TagFromName.PhotometricInterpretation), "YBR_FULL_422");
        putInt(list, new UnsignedShortAttribute(TagFromName.SamplesPerPixel), 3);
        putInt(list, new UnsignedShortAttribute(TagFromName.PlanarConfiguration), 0);
        putInt(list, new UnsignedShortAttribute(TagFromName.BitsAllocated), 8);
        putInt(list, new UnsignedShortAttribute(TagFromName.BitsStored), 8);
        putInt(list, new UnsignedShortAttribute(TagFromName.HighBit), 7);
        putInt(list, new UnsignedShortAttribute(TagFromName.PixelRepresentation), 0);
        byte[] pixels = new byte[rows * columns * 2]; // Y Y Cb Cr per pair of pixels
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) (i * 7);
        }
        OtherByteAttribute pixelData = new OtherByteAttribute(TagFromName.PixelData);
        pixelData.setValues(pixels);
        list.put(pixelData);
        storedAndRetrievedAsSent(part10(list), Attribute.getSingleStringValueOrNull(list, TagFromName.StudyInstanceUID),
                Attribute.getSingleStringValueOrNull(list, TagFromName.SOPInstanceUID));
    }

    @Test
    void truncatedYbrFull422IsStillRefused() throws Exception {
        AttributeList list = DicomFixtures.instance().size(8, 8).attributes();
        put(list, new CodeStringAttribute(TagFromName.PhotometricInterpretation), "YBR_FULL_422");
        putInt(list, new UnsignedShortAttribute(TagFromName.SamplesPerPixel), 3);
        putInt(list, new UnsignedShortAttribute(TagFromName.BitsAllocated), 8);
        putInt(list, new UnsignedShortAttribute(TagFromName.BitsStored), 8);
        putInt(list, new UnsignedShortAttribute(TagFromName.HighBit), 7);
        OtherByteAttribute pixelData = new OtherByteAttribute(TagFromName.PixelData);
        pixelData.setValues(new byte[8 * 8 * 2 - 16]);
        list.put(pixelData);
        Api.store(part10(list)).then().statusCode(409).body("'00081198'.Value[0].'00081197'.Value[0]",
                org.hamcrest.Matchers.equalTo(0xC000));
    }

    @Test
    void deflatedFileFromDcmtkIsStored() throws Exception {
        byte[] file;
        try (InputStream in = RealWorldFilesTest.class.getResourceAsStream("/dicom/mono16-deflated-dcmtk.dcm")) {
            file = in.readAllBytes();
        }
        AttributeList list = new AttributeList();
        list.read(new DicomInputStream(new java.io.ByteArrayInputStream(file)));
        storedAndRetrievedAsSent(file, Attribute.getSingleStringValueOrNull(list, TagFromName.StudyInstanceUID),
                Attribute.getSingleStringValueOrNull(list, TagFromName.SOPInstanceUID));
    }

    private static void storedAndRetrievedAsSent(byte[] file, String study, String sop) {
        Api.store(file).then().statusCode(200).body("$", not(hasKey("00081198")));
        String series = Api.as(Api.ADMIN).accept("application/dicom+json")
                .get("/dicomweb/studies/" + study + "/instances?SOPInstanceUID=" + sop + "&includefield=0020000E")
                .then().statusCode(200).extract().jsonPath().getString("[0].'0020000E'.Value[0]");
        byte[] back = io.dicomgate.testsupport.MultipartParts.parse(Api.as(Api.ADMIN)
                .accept("multipart/related; type=\"application/dicom\"; transfer-syntax=*")
                .get("/dicomweb/studies/" + study + "/series/" + series + "/instances/" + sop)
                .then().statusCode(200).extract().response()).get(0).body();
        assertArrayEquals(file, back);
    }

    private static byte[] part10(AttributeList list) throws Exception {
        list.removeGroupLengthAttributes();
        list.removeMetaInformationHeaderAttributes();
        FileMetaInformation.addFileMetaInformation(list, DicomFixtures.EXPLICIT_LE, "TEST");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        list.write(out, DicomFixtures.EXPLICIT_LE, true, true);
        return out.toByteArray();
    }

    private static void put(AttributeList list, Attribute a, String value) throws Exception {
        a.addValue(value);
        list.put(a);
    }

    private static void putInt(AttributeList list, Attribute a, int value) throws Exception {
        a.addValue(value);
        list.put(a);
    }
}
