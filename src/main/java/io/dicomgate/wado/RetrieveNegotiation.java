package io.dicomgate.wado;

import java.util.Collection;
import java.util.Map;

import io.dicomgate.dicom.AcceptHeader;
import io.dicomgate.dicom.DicomMediaTypes;
import io.dicomgate.dicom.InvalidRequestException;
import io.dicomgate.dicom.NotAcceptableException;
import io.dicomgate.dicom.TransferSyntaxes;
import io.dicomgate.dicom.Uid;

/**
 * Chooses the representation of a retrieve from the Acceptable Media Types (PS3.18 §8.7) and what
 * can be produced from the stored instances: the stored bytes, or a transcoding that
 * {@link Transcoder#canProduce} admits. Anything else is 406; a transfer-syntax parameter that is
 * not a UID (or {@code *}) is 400.
 */
final class RetrieveNegotiation {

    /** {@code transfer-syntax=*}: the stored syntax, whatever it is (PS3.18 §8.7.3.5.2). */
    static final String AS_STORED = "*";
    private static final String ELE = TransferSyntaxes.EXPLICIT_VR_LITTLE_ENDIAN;

    /**
     * @param multipart whether to answer {@code multipart/related} (else a single {@code application/dicom} body)
     * @param transferSyntax the syntax every instance is sent in, or {@link #AS_STORED}
     */
    record DicomChoice(boolean multipart, String transferSyntax) {
    }

    /**
     * A frame or bulk data representation: the part media type and transfer syntax.
     *
     * @param decode whether encapsulated frames are decoded to native (Explicit VR Little Endian order)
     */
    record OctetChoice(String partType, String transferSyntax, boolean decode) {
        OctetChoice(String partType, String transferSyntax) {
            this(partType, transferSyntax, false);
        }
    }

    /** Image media types for encapsulated frames (PS3.18 Table 8.7.3-2 / 8.7.4-1). */
    private static final Map<String, String> IMAGE_TYPES = Map.ofEntries(
            Map.entry("1.2.840.10008.1.2.4.50", "image/jpeg"),
            Map.entry("1.2.840.10008.1.2.4.51", "image/jpeg"),
            Map.entry("1.2.840.10008.1.2.4.57", "image/jpeg"),
            Map.entry("1.2.840.10008.1.2.4.70", "image/jpeg"),
            Map.entry("1.2.840.10008.1.2.4.80", "image/jls"),
            Map.entry("1.2.840.10008.1.2.4.81", "image/jls"),
            Map.entry("1.2.840.10008.1.2.4.90", "image/jp2"),
            Map.entry("1.2.840.10008.1.2.4.91", "image/jp2"),
            Map.entry("1.2.840.10008.1.2.4.92", "image/jpx"),
            Map.entry("1.2.840.10008.1.2.4.93", "image/jpx"),
            Map.entry("1.2.840.10008.1.2.5", "image/dicom-rle"));

    private RetrieveNegotiation() {
    }

    /**
     * PS3.18 §8.7.3.5: DICOM resources. Without a transfer-syntax parameter the default is Explicit
     * VR Little Endian; {@code *\/*} takes it when every instance can be produced so, else the
     * stored syntaxes.
     *
     * @param singlePartAllowed whether {@code application/dicom} alone may be answered (one instance)
     */
    static DicomChoice dicom(AcceptHeader accept, Collection<Transcoder.Stored> stored, boolean singlePartAllowed) {
        for (AcceptHeader.Range range : accept.ranges()) {
            String mediaType = range.type().mediaType();
            String ts = transferSyntax(range);
            String partType = range.param("type");
            switch (mediaType) {
                case "*/*", "multipart/*" -> {
                    if (accept.excludes(DicomMediaTypes.MULTIPART_RELATED, DicomMediaTypes.DICOM)) {
                        continue;
                    }
                    if (ts == null) {
                        // Native studies as the §8.7.3.5.2 default; compressed ones are not
                        // decompressed unasked (a wildcard says any representation will do).
                        boolean allNative = stored.stream().allMatch(i -> TransferSyntaxes.isNative(i.transferSyntax()));
                        return new DicomChoice(true, allNative ? ELE : AS_STORED);
                    }
                    if (feasible(ts, stored)) {
                        return new DicomChoice(true, ts);
                    }
                }
                case "multipart/related" -> {
                    if (partType != null && !partType.equalsIgnoreCase(DicomMediaTypes.DICOM)) {
                        continue;
                    }
                    String wanted = ts == null ? ELE : ts;
                    if (feasible(wanted, stored)) {
                        return new DicomChoice(true, wanted);
                    }
                }
                case "application/dicom", "application/*" -> {
                    if (mediaType.equals("application/*") && accept.excludes(DicomMediaTypes.DICOM, null)) {
                        continue;
                    }
                    String wanted = ts == null ? ELE : ts;
                    if (singlePartAllowed && feasible(wanted, stored)) {
                        return new DicomChoice(false, wanted);
                    }
                }
                default -> {
                    // not a DICOM representation
                }
            }
        }
        throw new NotAcceptableException("no acceptable representation: instances can be sent as stored"
                + " (transfer-syntax=*) or in the transfer syntaxes dicomgate transcodes to (see the README matrix)");
    }

    /**
     * PS3.18 §8.7.3.3/§8.7.4: frames and bulk data. Native pixel data goes out as
     * {@code application/octet-stream} (Explicit VR Little Endian byte order); encapsulated frames as
     * stored, labelled with their transfer syntax, when the request allows it.
     */
    static OctetChoice octets(AcceptHeader accept, Transcoder.Stored stored) {
        String storedSyntax = stored.transferSyntax();
        boolean nativeStored = TransferSyntaxes.isNative(storedSyntax);
        boolean decodable = Transcoder.canDecode(stored);
        String imageType = IMAGE_TYPES.get(storedSyntax);
        for (AcceptHeader.Range range : accept.ranges()) {
            String mediaType = range.type().mediaType();
            String ts = transferSyntax(range);
            String partType = range.param("type");
            if (mediaType.equals("multipart/related")) {
                mediaType = partType == null ? DicomMediaTypes.OCTET_STREAM : partType.toLowerCase(java.util.Locale.ROOT);
            }
            switch (mediaType) {
                case "*/*", "multipart/*", "application/*" -> {
                    if (ts == null || ts.equals(AS_STORED) || ts.equals(nativeStored ? ELE : storedSyntax)) {
                        return nativeStored ? new OctetChoice(DicomMediaTypes.OCTET_STREAM, ELE)
                                : new OctetChoice(DicomMediaTypes.OCTET_STREAM, storedSyntax);
                    }
                }
                case DicomMediaTypes.OCTET_STREAM -> {
                    if (nativeStored && (ts == null || ts.equals(ELE) || ts.equals(AS_STORED))) {
                        return new OctetChoice(DicomMediaTypes.OCTET_STREAM, ELE);
                    }
                    if (!nativeStored && (AS_STORED.equals(ts) || storedSyntax.equals(ts))) {
                        return new OctetChoice(DicomMediaTypes.OCTET_STREAM, storedSyntax);
                    }
                    // PS3.18 §8.7.3.5.2: octet-stream defaults to Explicit VR Little Endian, i.e.
                    // uncompressed frames, which needs decoding for encapsulated data.
                    if (decodable && (ts == null || ts.equals(ELE))) {
                        return new OctetChoice(DicomMediaTypes.OCTET_STREAM, ELE, true);
                    }
                }
                default -> {
                    if (imageType != null && (mediaType.equals(imageType) || mediaType.equals("image/*"))
                            && (ts == null || ts.equals(storedSyntax) || ts.equals(AS_STORED))) {
                        return new OctetChoice(imageType, storedSyntax);
                    }
                }
            }
        }
        throw new NotAcceptableException("no acceptable representation: frames are available uncompressed as"
                + " application/octet-stream when stored uncompressed, else in their stored transfer syntax");
    }

    private static boolean feasible(String wanted, Collection<Transcoder.Stored> stored) {
        return wanted.equals(AS_STORED) || stored.stream().allMatch(i -> Transcoder.canProduce(i, wanted));
    }

    /**
     * The transfer-syntax parameter of a range (PS3.18 §8.7.3.5.2): {@code *} or a UID. A value of
     * another form is a malformed request (400); a well-formed UID dicomgate cannot produce simply
     * matches nothing (406 when nothing else is acceptable).
     */
    private static String transferSyntax(AcceptHeader.Range range) {
        String ts = range.param("transfer-syntax");
        if (ts != null && !ts.equals(AS_STORED) && !Uid.isValid(ts)) {
            throw new InvalidRequestException("transfer-syntax must be a UID or *");
        }
        return ts;
    }
}
