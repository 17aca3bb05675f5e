package io.dicomgate.dicom;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.CodeStringAttribute;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.FileMetaInformation;
import com.pixelmed.dicom.IntegerStringAttribute;
import com.pixelmed.dicom.LongStringAttribute;
import com.pixelmed.dicom.OtherWordAttribute;
import com.pixelmed.dicom.PersonNameAttribute;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.UniqueIdentifierAttribute;
import com.pixelmed.dicom.UnsignedShortAttribute;
import java.io.IOException;
import java.nio.file.Path;

/** Real DICOM written by PixelMed, the way a modality or gateway would produce it. */
final class PixelMedFixtures {

    static final String MULTIFRAME_GRAYSCALE_WORD_SC = "1.2.840.10008.5.1.4.1.1.7.3";

    private PixelMedFixtures() {
    }

    /** Pixel value of sample {@code i} of frame {@code frame} (0-based): distinct per frame and position. */
    static short pixel(int frame, int i) {
        return (short) (frame * 1000 + i);
    }

    /** The top-level attributes written, for tests that need to know the top-level layout. */
    static AttributeList image(int frames, int rows, int columns) throws DicomException {
        var list = new AttributeList();
        put(list, new UniqueIdentifierAttribute(TagFromName.SOPClassUID), MULTIFRAME_GRAYSCALE_WORD_SC);
        put(list, new UniqueIdentifierAttribute(TagFromName.SOPInstanceUID), "1.2.826.0.1.3680043.2.1125.2." + frames);
        put(list, new UniqueIdentifierAttribute(TagFromName.StudyInstanceUID), "1.2.826.0.1.3680043.2.1125.3");
        put(list, new UniqueIdentifierAttribute(TagFromName.SeriesInstanceUID), "1.2.826.0.1.3680043.2.1125.4");
        put(list, new PersonNameAttribute(TagFromName.PatientName), "Test^Patient");
        put(list, new LongStringAttribute(TagFromName.PatientID), "P1");
        put(list, new CodeStringAttribute(TagFromName.Modality), "OT");

        var outer = new SequenceAttribute(TagFromName.ReferencedImageSequence);
        var item = new AttributeList();
        put(item, new UniqueIdentifierAttribute(TagFromName.ReferencedSOPClassUID), MULTIFRAME_GRAYSCALE_WORD_SC);
        put(item, new UniqueIdentifierAttribute(TagFromName.ReferencedSOPInstanceUID), "1.2.3.4.5");
        var inner = new SequenceAttribute(TagFromName.PurposeOfReferenceCodeSequence);
        var code = new AttributeList();
        put(code, new LongStringAttribute(TagFromName.CodeMeaning), "nested");
        inner.addItem(code);
        item.put(inner);
        outer.addItem(item);
        outer.addItem(new AttributeList()); // an empty item
        list.put(outer);

        put(list, new UnsignedShortAttribute(TagFromName.SamplesPerPixel), "1");
        put(list, new CodeStringAttribute(TagFromName.PhotometricInterpretation), "MONOCHROME2");
        put(list, new IntegerStringAttribute(TagFromName.NumberOfFrames), Integer.toString(frames));
        put(list, new UnsignedShortAttribute(TagFromName.Rows), Integer.toString(rows));
        put(list, new UnsignedShortAttribute(TagFromName.Columns), Integer.toString(columns));
        put(list, new UnsignedShortAttribute(TagFromName.BitsAllocated), "16");
        put(list, new UnsignedShortAttribute(TagFromName.BitsStored), "16");
        put(list, new UnsignedShortAttribute(TagFromName.HighBit), "15");
        put(list, new UnsignedShortAttribute(TagFromName.PixelRepresentation), "0");

        short[] pixels = new short[frames * rows * columns];
        for (int f = 0; f < frames; f++) {
            for (int i = 0; i < rows * columns; i++) {
                pixels[f * rows * columns + i] = pixel(f, i);
            }
        }
        var pixelData = new OtherWordAttribute(TagFromName.PixelData);
        pixelData.setValues(pixels);
        list.put(pixelData);
        return list;
    }

    static Path write(AttributeList list, Path file, String ts) throws DicomException, IOException {
        list.removeGroupLengthAttributes();
        list.removeMetaInformationHeaderAttributes();
        FileMetaInformation.addFileMetaInformation(list, ts, "TEST");
        list.write(file.toFile(), ts, true, true);
        return file;
    }

    static Path image(Path file, String ts, int frames, int rows, int columns) throws DicomException, IOException {
        return write(image(frames, rows, columns), file, ts);
    }

    static AttributeTag[] topLevelTags(AttributeList list) {
        return list.keySet().stream().filter(t -> t.getGroup() != 0x0002).toArray(AttributeTag[]::new);
    }

    private static void put(AttributeList list, Attribute a, String value) throws DicomException {
        a.addValue(value);
        list.put(a);
    }
}
