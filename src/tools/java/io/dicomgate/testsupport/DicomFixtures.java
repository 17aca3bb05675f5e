package io.dicomgate.testsupport;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicLong;

import javax.imageio.ImageIO;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.CodeStringAttribute;
import com.pixelmed.dicom.DateAttribute;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.FileMetaInformation;
import com.pixelmed.dicom.IntegerStringAttribute;
import com.pixelmed.dicom.LongStringAttribute;
import com.pixelmed.dicom.OtherByteAttributeMultipleCompressedFrames;
import com.pixelmed.dicom.OtherWordAttribute;
import com.pixelmed.dicom.PersonNameAttribute;
import com.pixelmed.dicom.ShortStringAttribute;
import com.pixelmed.dicom.SpecificCharacterSet;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TimeAttribute;
import com.pixelmed.dicom.UniqueIdentifierAttribute;
import com.pixelmed.dicom.UnsignedShortAttribute;

/**
 * Real DICOM Part 10 objects written by PixelMed for tests: secondary-capture-like images with
 * native or JPEG-baseline pixel data, in any of the common transfer syntaxes.
 */
public final class DicomFixtures {

    public static final String IMPLICIT_LE = "1.2.840.10008.1.2";
    public static final String EXPLICIT_LE = "1.2.840.10008.1.2.1";
    public static final String EXPLICIT_BE = "1.2.840.10008.1.2.2";
    public static final String DEFLATED = "1.2.840.10008.1.2.1.99";
    public static final String JPEG_BASELINE = "1.2.840.10008.1.2.4.50";
    public static final String SECONDARY_CAPTURE = "1.2.840.10008.5.1.4.1.1.7";
    public static final String CT_IMAGE = "1.2.840.10008.5.1.4.1.1.2";
    private static final AtomicLong SEQ = new AtomicLong(System.nanoTime() % 1_000_000_000L);

    private DicomFixtures() {
    }

    /** A fresh UID under the 2.25 arc. */
    public static String uid() {
        return "2.25." + Math.abs(java.util.UUID.randomUUID().getMostSignificantBits()) + SEQ.incrementAndGet();
    }

    public static Builder instance() {
        return new Builder();
    }

    /** Fluent description of one instance; every field has a sensible default. */
    public static final class Builder {
        String patientId = "PAT-" + SEQ.incrementAndGet();
        String issuer;
        String patientName = "Doe^Jane";
        String birthDate = "19800101";
        String sex = "F";
        String characterSet;
        String studyUid = uid();
        String seriesUid = uid();
        String sopUid = uid();
        String sopClass = SECONDARY_CAPTURE;
        String modality = "OT";
        String studyDate = "20240115";
        String studyTime = "101500";
        String accession = "ACC" + SEQ.get();
        String studyDescription = "Test study";
        String seriesDescription = "Test series";
        String referringPhysician = "House^Gregory";
        int seriesNumber = 1;
        int instanceNumber = 1;
        int rows = 8;
        int columns = 8;
        int frames = 1;
        String transferSyntax = EXPLICIT_LE;
        final java.util.List<Attribute> extra = new java.util.ArrayList<>();

        /** Same patient and study as {@code other}, new series. */
        public Builder inStudyOf(Builder other) {
            this.patientId = other.patientId;
            this.patientName = other.patientName;
            this.issuer = other.issuer;
            this.studyUid = other.studyUid;
            return this;
        }

        /** Same patient, study and series as {@code other}. */
        public Builder inSeriesOf(Builder other) {
            inStudyOf(other);
            this.seriesUid = other.seriesUid;
            this.seriesNumber = other.seriesNumber;
            return this;
        }

        public Builder patient(String id, String name) { this.patientId = id; this.patientName = name; return this; }
        public Builder issuer(String value) { this.issuer = value; return this; }
        public Builder birthDate(String value) { this.birthDate = value; return this; }
        public Builder characterSet(String value) { this.characterSet = value; return this; }
        public Builder study(String uid) { this.studyUid = uid; return this; }
        public Builder series(String uid) { this.seriesUid = uid; return this; }
        public Builder sop(String uid) { this.sopUid = uid; return this; }
        public Builder sopClass(String uid) { this.sopClass = uid; return this; }
        public Builder modality(String value) { this.modality = value; return this; }
        public Builder studyDate(String date, String time) { this.studyDate = date; this.studyTime = time; return this; }
        public Builder accession(String value) { this.accession = value; return this; }
        public Builder studyDescription(String value) { this.studyDescription = value; return this; }
        public Builder referringPhysician(String value) { this.referringPhysician = value; return this; }
        public Builder seriesNumber(int value) { this.seriesNumber = value; return this; }
        public Builder instanceNumber(int value) { this.instanceNumber = value; return this; }
        public Builder size(int rows, int columns) { this.rows = rows; this.columns = columns; return this; }
        public Builder frames(int value) { this.frames = value; return this; }
        public Builder transferSyntax(String uid) { this.transferSyntax = uid; return this; }

        /** Adds (or replaces) one attribute in the data set, after all the others are set. */
        public Builder attribute(Attribute attribute) { this.extra.add(attribute); return this; }

        /**
         * Request Attributes Sequence (0040,0275) with one item: Requested Procedure ID, Scheduled
         * Procedure Step ID and Accession Number (PS3.3 C.7.3.1, Table 10.6.3-4 of PS3.18).
         */
        public Builder requestAttributes(String requestedProcedureId, String scheduledStepId) {
            try {
                AttributeList item = new AttributeList();
                put(item, new ShortStringAttribute(TagFromName.RequestedProcedureID), requestedProcedureId);
                put(item, new ShortStringAttribute(new AttributeTag(0x0040, 0x0009)), scheduledStepId);
                put(item, new ShortStringAttribute(TagFromName.AccessionNumber), accession);
                com.pixelmed.dicom.SequenceAttribute sequence =
                        new com.pixelmed.dicom.SequenceAttribute(TagFromName.RequestAttributesSequence);
                sequence.addItem(item);
                return attribute(sequence);
            } catch (DicomException e) {
                throw new IllegalStateException(e);
            }
        }

        /** A short string (SH/LO/CS-like text) attribute by PixelMed tag, e.g. OtherStudyNumbers. */
        public Builder text(AttributeTag tag, String value) {
            try {
                Attribute a = new LongStringAttribute(tag);
                a.addValue(value);
                return attribute(a);
            } catch (DicomException e) {
                throw new IllegalStateException(e);
            }
        }

        public String studyUid() { return studyUid; }
        public String seriesUid() { return seriesUid; }
        public String sopUid() { return sopUid; }
        public String patientId() { return patientId; }

        /** The data set (without File Meta) as PixelMed holds it. */
        public AttributeList attributes() {
            try {
                AttributeList list = new AttributeList();
                SpecificCharacterSet charset = characterSet == null ? null
                        : new SpecificCharacterSet(new String[] { characterSet });
                if (characterSet != null) {
                    put(list, new CodeStringAttribute(TagFromName.SpecificCharacterSet), characterSet);
                }
                put(list, new UniqueIdentifierAttribute(TagFromName.SOPClassUID), sopClass);
                put(list, new UniqueIdentifierAttribute(TagFromName.SOPInstanceUID), sopUid);
                put(list, new DateAttribute(TagFromName.StudyDate), studyDate);
                put(list, new TimeAttribute(TagFromName.StudyTime), studyTime);
                put(list, new ShortStringAttribute(TagFromName.AccessionNumber), accession);
                put(list, new CodeStringAttribute(TagFromName.Modality), modality);
                put(list, new PersonNameAttribute(TagFromName.ReferringPhysicianName, charset), referringPhysician);
                put(list, new LongStringAttribute(TagFromName.StudyDescription), studyDescription);
                put(list, new LongStringAttribute(TagFromName.SeriesDescription), seriesDescription);
                put(list, new PersonNameAttribute(TagFromName.PatientName, charset), patientName);
                put(list, new LongStringAttribute(TagFromName.PatientID), patientId);
                if (issuer != null) {
                    put(list, new LongStringAttribute(TagFromName.IssuerOfPatientID), issuer);
                }
                put(list, new DateAttribute(TagFromName.PatientBirthDate), birthDate);
                put(list, new CodeStringAttribute(TagFromName.PatientSex), sex);
                put(list, new UniqueIdentifierAttribute(TagFromName.StudyInstanceUID), studyUid);
                put(list, new UniqueIdentifierAttribute(TagFromName.SeriesInstanceUID), seriesUid);
                put(list, new ShortStringAttribute(TagFromName.StudyID), "S1");
                put(list, new IntegerStringAttribute(TagFromName.SeriesNumber), Integer.toString(seriesNumber));
                put(list, new IntegerStringAttribute(TagFromName.InstanceNumber), Integer.toString(instanceNumber));
                put(list, new UnsignedShortAttribute(TagFromName.SamplesPerPixel), "1");
                put(list, new CodeStringAttribute(TagFromName.PhotometricInterpretation), "MONOCHROME2");
                if (frames > 1) {
                    put(list, new IntegerStringAttribute(TagFromName.NumberOfFrames), Integer.toString(frames));
                }
                put(list, new UnsignedShortAttribute(TagFromName.Rows), Integer.toString(rows));
                put(list, new UnsignedShortAttribute(TagFromName.Columns), Integer.toString(columns));
                boolean jpeg = JPEG_BASELINE.equals(transferSyntax);
                int bits = jpeg ? 8 : 16;
                put(list, new UnsignedShortAttribute(TagFromName.BitsAllocated), Integer.toString(bits));
                put(list, new UnsignedShortAttribute(TagFromName.BitsStored), Integer.toString(bits));
                put(list, new UnsignedShortAttribute(TagFromName.HighBit), Integer.toString(bits - 1));
                put(list, new UnsignedShortAttribute(TagFromName.PixelRepresentation), "0");
                if (jpeg) {
                    byte[][] encoded = new byte[frames][];
                    for (int f = 0; f < frames; f++) {
                        encoded[f] = jpegFrame(f);
                    }
                    list.put(new OtherByteAttributeMultipleCompressedFrames(TagFromName.PixelData, encoded));
                } else {
                    OtherWordAttribute pixels = new OtherWordAttribute(TagFromName.PixelData);
                    pixels.setValues(nativePixels());
                    list.put(pixels);
                }
                extra.forEach(list::put);
                return list;
            } catch (DicomException | IOException e) {
                throw new IllegalStateException(e);
            }
        }

        /** Pixel value at (frame, row, column): a ramp that differs per frame, so frames are told apart. */
        public static int pixel(int frame, int row, int column) {
            return (frame * 37 + row * 8 + column) & 0xff;
        }

        /** The Part 10 file bytes. */
        public byte[] bytes() {
            try {
                AttributeList list = attributes();
                FileMetaInformation.addFileMetaInformation(list, transferSyntax, "DICOMGATE");
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                list.write(out, transferSyntax, true, true);
                return out.toByteArray();
            } catch (DicomException | IOException e) {
                throw new IllegalStateException(e);
            }
        }

        private short[] nativePixels() {
            short[] values = new short[frames * rows * columns];
            int i = 0;
            for (int f = 0; f < frames; f++) {
                for (int r = 0; r < rows; r++) {
                    for (int c = 0; c < columns; c++) {
                        values[i++] = (short) pixel(f, r, c);
                    }
                }
            }
            return values;
        }

        private byte[] jpegFrame(int frame) throws IOException {
            BufferedImage image = new BufferedImage(columns, rows, BufferedImage.TYPE_BYTE_GRAY);
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < columns; c++) {
                    int v = pixel(frame, r, c);
                    image.getRaster().setSample(c, r, 0, v);
                }
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            if (!ImageIO.write(image, "jpeg", out)) {
                throw new IOException("no JPEG writer");
            }
            byte[] bytes = out.toByteArray();
            // Fragments must have even length (PS3.5 A.4); pad after EOI.
            return bytes.length % 2 == 0 ? bytes : java.util.Arrays.copyOf(bytes, bytes.length + 1);
        }
    }

    private static void put(AttributeList list, Attribute attribute, String value) throws DicomException {
        attribute.addValue(value);
        list.put(attribute);
    }

    /** Tag constant re-exported for tests that do not import PixelMed. */
    public static final AttributeTag PIXEL_DATA = TagFromName.PixelData;
}
