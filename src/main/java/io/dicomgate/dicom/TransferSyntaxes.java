package io.dicomgate.dicom;

import java.util.Set;

/** Transfer syntaxes dicomgate accepts and knows how to treat (PS3.5 §10, PS3.6 Table A-1). */
public final class TransferSyntaxes {

    public static final String IMPLICIT_VR_LITTLE_ENDIAN = "1.2.840.10008.1.2";
    public static final String EXPLICIT_VR_LITTLE_ENDIAN = "1.2.840.10008.1.2.1";
    public static final String DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN = "1.2.840.10008.1.2.1.99";
    public static final String EXPLICIT_VR_BIG_ENDIAN = "1.2.840.10008.1.2.2";

    /** Native (uncompressed) encodings, which PixelMed can rewrite as Explicit VR Little Endian. */
    public static final Set<String> NATIVE = Set.of(IMPLICIT_VR_LITTLE_ENDIAN, EXPLICIT_VR_LITTLE_ENDIAN,
            DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN, EXPLICIT_VR_BIG_ENDIAN);

    /** Encapsulated syntaxes stored as received. */
    public static final Set<String> ENCAPSULATED = Set.of(
            "1.2.840.10008.1.2.4.50", // JPEG Baseline (Process 1)
            "1.2.840.10008.1.2.4.51", // JPEG Extended (Process 2 & 4)
            "1.2.840.10008.1.2.4.57", // JPEG Lossless, Non-Hierarchical (Process 14)
            "1.2.840.10008.1.2.4.70", // JPEG Lossless, First-Order Prediction
            "1.2.840.10008.1.2.4.80", // JPEG-LS Lossless
            "1.2.840.10008.1.2.4.81", // JPEG-LS Near-Lossless
            "1.2.840.10008.1.2.4.90", // JPEG 2000 Lossless Only
            "1.2.840.10008.1.2.4.91", // JPEG 2000
            "1.2.840.10008.1.2.4.92", // JPEG 2000 Part 2 Multi-component Lossless
            "1.2.840.10008.1.2.4.93", // JPEG 2000 Part 2 Multi-component
            "1.2.840.10008.1.2.4.100", // MPEG2 Main Profile / Main Level
            "1.2.840.10008.1.2.4.101", // MPEG2 Main Profile / High Level
            "1.2.840.10008.1.2.4.102", // MPEG-4 AVC/H.264 High Profile
            "1.2.840.10008.1.2.4.103", // MPEG-4 AVC/H.264 BD-compatible High Profile
            "1.2.840.10008.1.2.4.104", // MPEG-4 AVC/H.264 High Profile For 2D Video
            "1.2.840.10008.1.2.4.105", // MPEG-4 AVC/H.264 High Profile For 3D Video
            "1.2.840.10008.1.2.4.106", // MPEG-4 AVC/H.264 Stereo High Profile
            "1.2.840.10008.1.2.4.107", // HEVC/H.265 Main Profile
            "1.2.840.10008.1.2.4.108", // HEVC/H.265 Main 10 Profile
            "1.2.840.10008.1.2.4.201", // High-Throughput JPEG 2000 Lossless
            "1.2.840.10008.1.2.4.202", // High-Throughput JPEG 2000 RPCL Lossless
            "1.2.840.10008.1.2.4.203", // High-Throughput JPEG 2000
            "1.2.840.10008.1.2.5"     // RLE Lossless
    );

    private TransferSyntaxes() {
    }

    public static boolean isSupported(String uid) {
        return NATIVE.contains(uid) || ENCAPSULATED.contains(uid);
    }

    public static boolean isNative(String uid) {
        return NATIVE.contains(uid);
    }
}
