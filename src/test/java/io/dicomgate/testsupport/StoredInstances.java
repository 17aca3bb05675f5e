package io.dicomgate.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomInputStream;
import com.pixelmed.dicom.TagFromName;

/** Reads back what STOW-RS stored, for round-trip tests of every store representation. */
public final class StoredInstances {

    private StoredInstances() {
    }

    /** The instance as stored (WADO-RS, {@code transfer-syntax=*}), parsed by PixelMed. */
    public static AttributeList retrieve(DicomFixtures.Builder b) throws Exception {
        byte[] bytes = Api.as(Api.ADMIN).accept("application/dicom; transfer-syntax=*")
                .get("/dicomweb/studies/" + b.studyUid() + "/series/" + b.seriesUid() + "/instances/" + b.sopUid())
                .then().statusCode(200).extract().asByteArray();
        AttributeList list = new AttributeList();
        try (DicomInputStream in = new DicomInputStream(new ByteArrayInputStream(bytes))) {
            list.read(in);
        }
        return list;
    }

    /** Every attribute sent, except Pixel Data, has the same value stored. */
    public static void assertSameValues(AttributeList sent, AttributeList stored) throws Exception {
        for (Attribute a : sent.values()) {
            if (a.getTag().equals(TagFromName.PixelData)) {
                continue;
            }
            Attribute b = stored.get(a.getTag());
            assertEquals(a.getDelimitedStringValuesOrEmptyString(), b == null ? null : b.getDelimitedStringValuesOrEmptyString(),
                    a.getTag().toString());
        }
    }
}
