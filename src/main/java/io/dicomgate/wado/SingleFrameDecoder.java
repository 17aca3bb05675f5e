package io.dicomgate.wado;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.DicomInputStream;
import com.pixelmed.dicom.FileMetaInformation;
import com.pixelmed.dicom.IntegerStringAttribute;
import com.pixelmed.dicom.OtherByteAttributeMultipleCompressedFrames;
import com.pixelmed.dicom.TagFromName;

import io.dicomgate.dicom.ByteRange;
import io.dicomgate.dicom.FrameLocator;
import io.dicomgate.dicom.InvalidDicomException;
import io.dicomgate.dicom.Part10Scanner;
import io.dicomgate.dicom.PixelDataLocation;

/**
 * One frame of an encapsulated (compressed) instance decoded to native pixels, for frames asked for
 * as {@code application/octet-stream} (PS3.18 §10.4.1.1.4 with the §8.7.3.5.2 default Explicit VR
 * Little Endian). Only that frame's fragments are read ({@link FrameLocator}) and decoded, so a
 * frame's cost does not depend on its number or on how many frames the instance has.
 *
 * <p>The frame goes through the same decoder as a whole-instance transcode ({@link Transcoder}):
 * the instance's attributes up to Pixel Data plus this one frame make a one-frame object in the
 * stored transfer syntax, which PixelMed decodes — so a frame's bytes are the bytes it has in the
 * whole instance decoded to Explicit VR Little Endian (16-bit little endian, colour as RGB with
 * Planar Configuration 0).
 */
final class SingleFrameDecoder {

    private final Path file;
    private final String transferSyntax;
    private final AttributeList header;
    private final PixelDataLocation pixels;

    private SingleFrameDecoder(Path file, String transferSyntax, AttributeList header, PixelDataLocation pixels) {
        this.file = file;
        this.transferSyntax = transferSyntax;
        this.header = header;
        this.pixels = pixels;
    }

    /** Reads the attributes before Pixel Data and where the fragments are. */
    static SingleFrameDecoder open(Path file, String transferSyntax) throws Transcoder.TranscodeException {
        try {
            AttributeList header = new AttributeList();
            header.read(file.toString(), TagFromName.PixelData);
            PixelDataLocation pixels = Part10Scanner.scan(file).pixelData();
            if (pixels == null || !pixels.encapsulated()) {
                throw new Transcoder.TranscodeException("no encapsulated pixel data", null);
            }
            return new SingleFrameDecoder(file, transferSyntax, header, pixels);
        } catch (IOException | DicomException | InvalidDicomException | RuntimeException e) {
            throw new Transcoder.TranscodeException("cannot read the instance", e);
        }
    }

    /** Bytes of one decoded frame: rows × columns × samples × bytes per sample. */
    long frameBytes() {
        return (long) Attribute.getSingleIntegerValueOrDefault(header, TagFromName.Rows, 0)
                * Attribute.getSingleIntegerValueOrDefault(header, TagFromName.Columns, 0)
                * Attribute.getSingleIntegerValueOrDefault(header, TagFromName.SamplesPerPixel, 1)
                * Math.max(1, (Attribute.getSingleIntegerValueOrDefault(header, TagFromName.BitsAllocated, 8) + 7) / 8);
    }

    /** Frame {@code frame} (1-based, already checked against Number of Frames) as native little-endian bytes. */
    byte[] decode(int frame) throws Transcoder.TranscodeException {
        try {
            int frames = Math.max(1, Attribute.getSingleIntegerValueOrDefault(header, TagFromName.NumberOfFrames, 1));
            List<ByteRange> ranges = FrameLocator.frame(file, pixels, frame, frames,
                    Attribute.getSingleIntegerValueOrDefault(header, TagFromName.Rows, 0),
                    Attribute.getSingleIntegerValueOrDefault(header, TagFromName.Columns, 0),
                    Attribute.getSingleIntegerValueOrDefault(header, TagFromName.SamplesPerPixel, 1),
                    Attribute.getSingleIntegerValueOrDefault(header, TagFromName.BitsAllocated, 0));
            AttributeList one = (AttributeList) header.clone();
            IntegerStringAttribute numberOfFrames = new IntegerStringAttribute(TagFromName.NumberOfFrames);
            numberOfFrames.addValue(1);
            one.put(numberOfFrames);
            one.put(new OtherByteAttributeMultipleCompressedFrames(TagFromName.PixelData, new byte[][] {FrameLocator.read(file, ranges)}));
            one.removeGroupLengthAttributes();
            one.removeMetaInformationHeaderAttributes();
            FileMetaInformation.addFileMetaInformation(one, transferSyntax, "DICOMGATE");
            ByteArrayOutputStream encoded = new ByteArrayOutputStream();
            one.write(encoded, transferSyntax, true, true);
            AttributeList decoded = new AttributeList();
            decoded.setDecompressPixelData(true);
            decoded.read(new DicomInputStream(new ByteArrayInputStream(encoded.toByteArray())));
            decoded.correctDecompressedImagePixelModule();
            Attribute pixelData = decoded.get(TagFromName.PixelData);
            if (pixelData == null) {
                throw new DicomException("no pixel data");
            }
            if (pixelData.getVRAsString().equals("OW")) {
                short[] values = pixelData.getShortValues();
                ByteBuffer le = ByteBuffer.allocate(values.length * 2).order(ByteOrder.LITTLE_ENDIAN);
                le.asShortBuffer().put(values);
                return le.array();
            }
            return pixelData.getByteValues();
        } catch (IOException | DicomException | InvalidDicomException | RuntimeException e) {
            throw new Transcoder.TranscodeException("cannot decode frame " + frame, e);
        }
    }
}
