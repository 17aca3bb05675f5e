package io.dicomgate.render;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.TagFromName;

import io.dicomgate.dicom.NotAcceptableException;
import io.dicomgate.render.RenderParams.VoiFunction;
import io.dicomgate.render.RenderParams.Window;

/**
 * What rendering needs from an image's data set (PS3.3 C.7.6.3 Image Pixel, C.11.1 Modality LUT,
 * C.11.2 VOI LUT, C.7.6.16 functional groups), read from the file up to but excluding Pixel Data,
 * so no pixel is loaded here.
 */
final class ImageAttributes {

    /** Cine Rate (0018,0040), frames per second; not named in PixelMed's dictionary. */
    private static final AttributeTag CINE_RATE = new AttributeTag(0x0018, 0x0040);

    final int rows;
    final int columns;
    final int samplesPerPixel;
    final String photometric;
    final int bitsAllocated;
    final int bitsStored;
    final int highBit;
    final boolean signed;
    final int planarConfiguration;
    final int numberOfFrames;
    /** Pixel Padding Value (0028,0120) as a stored bit pattern, or -1: excluded from the min/max window. */
    final int paddingPattern;
    /** Frame time for animation in ms (Frame Time, else Cine Rate), 100 when absent. */
    final int frameTimeMs;
    /** Palette Color lookup tables as packed RGB, indexed by stored value minus {@link #paletteFirst}. */
    final int[] palette;
    final int paletteFirst;
    private final AttributeList list;

    private ImageAttributes(AttributeList list) {
        this.list = list;
        rows = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.Rows, 0);
        columns = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.Columns, 0);
        samplesPerPixel = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.SamplesPerPixel, 1);
        photometric = Attribute.getSingleStringValueOrDefault(list, TagFromName.PhotometricInterpretation,
                samplesPerPixel == 3 ? "RGB" : "MONOCHROME2").trim().toUpperCase(Locale.ROOT);
        bitsAllocated = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.BitsAllocated, 0);
        int stored = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.BitsStored, bitsAllocated);
        bitsStored = stored < 1 || stored > bitsAllocated ? bitsAllocated : stored;
        int high = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.HighBit, bitsStored - 1);
        highBit = high < bitsStored - 1 || high >= bitsAllocated ? bitsStored - 1 : high;
        signed = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.PixelRepresentation, 0) == 1;
        planarConfiguration = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.PlanarConfiguration, 0);
        numberOfFrames = Math.max(1, Attribute.getSingleIntegerValueOrDefault(list, TagFromName.NumberOfFrames, 1));
        Attribute padding = list.get(TagFromName.PixelPaddingValue);
        paddingPattern = padding == null || padding.getVM() == 0 ? -1
                : Attribute.getSingleIntegerValueOrDefault(padding, 0) & mask();
        double frameTime = Attribute.getSingleDoubleValueOrDefault(list, TagFromName.FrameTime, 0);
        double cineRate = Attribute.getSingleDoubleValueOrDefault(list, CINE_RATE, 0);
        frameTimeMs = frameTime > 0 ? (int) Math.round(frameTime) : cineRate > 0 ? (int) Math.round(1000 / cineRate) : 100;
        if (photometric.equals("PALETTE COLOR")) {
            int[] descriptor = Attribute.getIntegerValues(list, TagFromName.RedPaletteColorLookupTableDescriptor);
            paletteFirst = descriptor != null && descriptor.length == 3 ? descriptor[1] : 0;
            palette = palette(list, descriptor);
        } else {
            paletteFirst = 0;
            palette = null;
        }
    }

    /** Reads the data set of a Part 10 file up to Pixel Data. */
    static ImageAttributes read(Path file) {
        AttributeList list = new AttributeList();
        try {
            list.read(file.toString(), TagFromName.PixelData);
        } catch (IOException | DicomException e) {
            throw new NotAcceptableException("this instance cannot be rendered");
        }
        return new ImageAttributes(list);
    }

    /** For tests and tools: attributes held in memory. */
    static ImageAttributes of(AttributeList list) {
        return new ImageAttributes(list);
    }

    boolean monochrome() {
        return photometric.equals("MONOCHROME1") || photometric.equals("MONOCHROME2");
    }

    /** All-ones mask of Bits Stored width. */
    int mask() {
        return bitsStored >= 32 ? -1 : (1 << bitsStored) - 1;
    }

    /** Refuses what the renderer cannot turn into an image, as 406 (no rendered representation). */
    void requireRenderable() {
        boolean ok = rows > 0 && columns > 0 && switch (photometric) {
            case "MONOCHROME1", "MONOCHROME2" -> samplesPerPixel == 1 && (bitsAllocated == 8 || bitsAllocated == 16)
                    && bitsStored <= 16;
            case "PALETTE COLOR" -> samplesPerPixel == 1 && palette != null
                    && (bitsAllocated == 8 || bitsAllocated == 16);
            case "RGB", "YBR_FULL", "YBR_FULL_422", "YBR_ICT", "YBR_RCT", "YBR_PARTIAL_420" ->
                    samplesPerPixel == 3 && bitsAllocated == 8;
            default -> false;
        };
        if (!ok) {
            throw new NotAcceptableException("this instance cannot be rendered");
        }
    }

    /** Rescale Slope and Intercept for a frame (1-based): per-frame, shared, then top-level (C.7.6.16.2.9). */
    double[] rescale(int frame) {
        AttributeList item = functionalGroup(frame, TagFromName.PixelValueTransformationSequence);
        AttributeList source = item != null && item.get(TagFromName.RescaleSlope) != null ? item : list;
        double slope = Attribute.getSingleDoubleValueOrDefault(source, TagFromName.RescaleSlope, 1);
        double intercept = Attribute.getSingleDoubleValueOrDefault(source, TagFromName.RescaleIntercept, 0);
        if (slope == 0 || !Double.isFinite(slope) || !Double.isFinite(intercept)) {
            return new double[] { 1, 0 };
        }
        return new double[] { slope, intercept };
    }

    /**
     * The first Window Center/Width of the data set for a frame (per-frame, shared, then top
     * level, C.11.2), or null when there is none or it is unusable.
     */
    Window window(int frame) {
        AttributeList item = functionalGroup(frame, TagFromName.FrameVOILUTSequence);
        AttributeList source = item != null && item.get(TagFromName.WindowCenter) != null ? item : list;
        double[] centers = Attribute.getDoubleValues(source, TagFromName.WindowCenter);
        double[] widths = Attribute.getDoubleValues(source, TagFromName.WindowWidth);
        if (centers == null || widths == null || centers.length == 0 || widths.length == 0) {
            return null;
        }
        String fn = Attribute.getSingleStringValueOrDefault(source, TagFromName.VOILUTFunction, "LINEAR")
                .trim().toUpperCase(Locale.ROOT);
        VoiFunction function = switch (fn) {
            case "LINEAR_EXACT" -> VoiFunction.LINEAR_EXACT;
            case "SIGMOID" -> VoiFunction.SIGMOID;
            default -> VoiFunction.LINEAR;
        };
        try {
            return new Window(centers[0], widths[0], function);
        } catch (RuntimeException e) {
            return null; // a width below 1 in the data set: fall back to the frame's range
        }
    }

    /** Text of an attribute for annotations, or "". */
    String text(AttributeTag tag) {
        return Attribute.getSingleStringValueOrEmptyString(list, tag).trim();
    }

    private AttributeList functionalGroup(int frame, AttributeTag macro) {
        Attribute perFrame = list.get(TagFromName.PerFrameFunctionalGroupsSequence);
        if (perFrame instanceof SequenceAttribute seq && frame >= 1 && frame <= seq.getNumberOfItems()) {
            AttributeList inner = macroItem(seq.getItem(frame - 1).getAttributeList(), macro);
            if (inner != null) {
                return inner;
            }
        }
        Attribute shared = list.get(TagFromName.SharedFunctionalGroupsSequence);
        if (shared instanceof SequenceAttribute seq && seq.getNumberOfItems() > 0) {
            return macroItem(seq.getItem(0).getAttributeList(), macro);
        }
        return null;
    }

    private static AttributeList macroItem(AttributeList group, AttributeTag macro) {
        if (group == null) {
            return null;
        }
        Attribute a = group.get(macro);
        if (a instanceof SequenceAttribute seq && seq.getNumberOfItems() > 0) {
            return seq.getItem(0).getAttributeList();
        }
        return null;
    }

    /** C.7.6.3.1.5–6: the three palette LUTs as packed RGB; null when absent or segmented. */
    private static int[] palette(AttributeList list, int[] descriptor) {
        if (descriptor == null || descriptor.length != 3) {
            return null;
        }
        int entries = descriptor[0] == 0 ? 65536 : descriptor[0] & 0xFFFF;
        int bits = descriptor[2];
        int[] red = lut(list.get(TagFromName.RedPaletteColorLookupTableData), entries, bits);
        int[] green = lut(list.get(TagFromName.GreenPaletteColorLookupTableData), entries, bits);
        int[] blue = lut(list.get(TagFromName.BluePaletteColorLookupTableData), entries, bits);
        if (red == null || green == null || blue == null) {
            return null;
        }
        int[] rgb = new int[entries];
        for (int i = 0; i < entries; i++) {
            rgb[i] = red[i] << 16 | green[i] << 8 | blue[i];
        }
        return rgb;
    }

    private static int[] lut(Attribute data, int entries, int bits) {
        if (data == null) {
            return null;
        }
        try {
            short[] words = data.getShortValues();
            if (words == null) {
                return null;
            }
            int[] out = new int[entries];
            if (bits == 16 && words.length >= entries) {
                for (int i = 0; i < entries; i++) {
                    out[i] = (words[i] >> 8) & 0xFF; // the high byte of each 16-bit entry
                }
            } else if (bits == 8 && words.length >= entries) {
                for (int i = 0; i < entries; i++) {
                    out[i] = words[i] & 0xFF; // one 8-bit entry per word
                }
            } else if (bits == 8 && words.length * 2 >= entries) {
                for (int i = 0; i < entries; i++) {
                    out[i] = (words[i >> 1] >> ((i & 1) * 8)) & 0xFF; // two entries per word, low byte first
                }
            } else {
                return null;
            }
            return out;
        } catch (DicomException e) {
            return null;
        }
    }
}
