package io.dicomgate.bench;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.jaiimageio.jpeg2000.J2KImageWriteParam;
import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.CompressedFrameEncoder;
import com.pixelmed.dicom.DecimalStringAttribute;
import com.pixelmed.dicom.FileMetaInformation;
import com.pixelmed.dicom.OtherByteAttribute;
import com.pixelmed.dicom.OtherByteAttributeMultipleCompressedFrames;
import com.pixelmed.dicom.OtherWordAttribute;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.UnsignedShortAttribute;
import com.pixelmed.display.SourceImage;

import io.dicomgate.demo.DicomWebClient;
import io.dicomgate.dicom.DicomJsonWriter;
import io.dicomgate.dicom.DicomXmlWriter;
import io.dicomgate.testsupport.DicomFixtures;
import io.dicomgate.testsupport.Multipart;

/**
 * What each DICOMweb representation costs next to the stored bytes (not a test): compressed
 * instances as stored versus decoded (PS3.18 §8.7.3.5.2), native pixels encoded to RLE and JPEG
 * baseline, frames decoded versus as stored, metadata and QIDO as DICOM JSON versus PS3.19 XML,
 * STOW with DICOM JSON or XML metadata and bulk data versus binary (§10.5.1.2), and rendered images and
 * thumbnails (§9.5). Alternatives run interleaved (A, B, A, B, ...) so load from elsewhere hits
 * them alike. The images are a synthetic 512×512 CT slice (air, a soft-tissue disc, a bone ring,
 * Gaussian noise) drawn from the benchmark's seeded Random, so two runs store the same bytes.
 */
final class Representations {

    static final String ELE = "1.2.840.10008.1.2.1";
    static final String RLE = "1.2.840.10008.1.2.5";
    static final String JPEG_BASELINE = "1.2.840.10008.1.2.4.50";
    static final String JPEG_LOSSLESS_SV1 = "1.2.840.10008.1.2.4.70";
    static final String J2K_LOSSLESS = "1.2.840.10008.1.2.4.90";
    static final String OCTET_MULTIPART = "multipart/related; type=\"application/octet-stream\"";
    static final String XML_MULTIPART = "multipart/related; type=\"application/dicom+xml\"";
    static final int SIZE = 512;
    static final int PER_KIND = 4;
    static final int STOW_PER_REQUEST = 10;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Where the rows go (the benchmark's table). */
    interface Table {
        void row(String what, String format, Object... args);
    }

    /** One request of an alternative, for run number {@code run}. */
    interface Call {
        HttpResponse<byte[]> call(int run);
    }

    /** One alternative; {@code contentType}, when set, must occur in the response's Content-Type. */
    record Variant(String label, String contentType, Call call) {
    }

    /** Stored instances of one kind: WADO paths of the instances, bytes of the first. */
    record Kind(String label, String transferSyntax, List<String> paths, int bytes) {
        String path(int run) {
            return paths.get(run % paths.size());
        }
    }

    private final DicomWebClient admin;
    private final DicomWebClient ingest;
    private final Random rnd;
    private final Table table;
    private final int runs;

    Representations(DicomWebClient admin, DicomWebClient ingest, Random rnd, Table table, int runs) {
        this.admin = admin;
        this.ingest = ingest;
        this.rnd = rnd;
        this.table = table;
        this.runs = runs;
    }

    /** @param metadataPath WADO metadata of the 500-instance series */
    void run(String metadataPath) throws Exception {
        long t0 = System.nanoTime();
        String studyUid = uid();
        String ctStudyUid = uid();
        Kind ct = store("native 16-bit CT", ctStudyUid, ELE, ctList -> write(ctList, ELE));
        Kind mono8 = store("native 8-bit", studyUid, ELE, l -> write(to8Bit(l), ELE));
        Kind jpeg = store("JPEG baseline 8-bit", studyUid, JPEG_BASELINE, l -> jpegBaseline(to8Bit(l)));
        Kind rle = store("RLE 16-bit", studyUid, RLE, l -> pixelmedEncoded(l, "rle"));
        Kind j2k = store("JPEG 2000 lossless 16-bit", studyUid, J2K_LOSSLESS, Representations::jpeg2000);
        Kind lossless = dcmcjpegAvailable()
                ? store("JPEG lossless SV1 16-bit", studyUid, JPEG_LOSSLESS_SV1, Representations::dcmcjpegLossless)
                : null;
        System.out.printf(Locale.ROOT, "%nrepresentations: stored %d kinds x %d instances of %dx%d in %.1f s"
                + " (%d runs each, interleaved); load average %s%n", lossless == null ? 5 : 6, PER_KIND, SIZE, SIZE,
                (System.nanoTime() - t0) / 1e9, runs, loadAverage());
        List<Kind> kinds = new ArrayList<>(List.of(ct, mono8, jpeg, rle, j2k));
        if (lossless != null) {
            kinds.add(lossless);
        }
        for (Kind k : kinds) {
            System.out.printf(Locale.ROOT, "  %-28s %s, %d KiB per instance%n", k.label(), k.transferSyntax(),
                    k.bytes() / 1024);
        }
        if (lossless == null) {
            table.row("JPEG lossless instance", "not measured: dcmcjpeg (dcmtk) not on PATH to encode a 512x512 one");
        }

        // (1) compressed instances: as stored versus decoded to Explicit VR Little Endian
        List<Kind> compressed = new ArrayList<>(List.of(jpeg, rle, j2k));
        if (lossless != null) {
            compressed.add(lossless);
        }
        for (Kind k : compressed) {
            compare("instance " + k.label(), List.of(
                    instance(k, "as stored", k.transferSyntax()),
                    instance(k, "-> Explicit VR LE", ELE)));
        }
        // (2) native instances encoded on request
        compare("instance " + ct.label(), List.of(instance(ct, "as stored", ELE), instance(ct, "-> RLE", RLE)));
        compare("instance " + mono8.label(), List.of(instance(mono8, "as stored", ELE),
                instance(mono8, "-> JPEG baseline", JPEG_BASELINE)));

        // (3) frames: decoded (octet-stream without transfer-syntax) versus as stored
        for (Kind k : compressed) {
            compare("frame 1 of " + k.label(), List.of(
                    new Variant("as stored", null, r -> admin.getBytes(k.path(r) + "/frames/1",
                            OCTET_MULTIPART + "; transfer-syntax=*")),
                    new Variant("decoded", null, r -> admin.getBytes(k.path(r) + "/frames/1", OCTET_MULTIPART))));
            HttpResponse<byte[]> decoded = admin.getBytes(k.path(0) + "/frames/1", OCTET_MULTIPART);
            int want = SIZE * SIZE * (k == jpeg ? 1 : 2);
            int got = DicomWebClient.parts(decoded).get(0).length;
            Benchmark.check(got == want, "decoded frame of " + k.label() + " has " + got + " bytes, not " + want);
        }
        compare("frame 1 of " + ct.label(), List.of(new Variant("native (reference)", null,
                r -> admin.getBytes(ct.path(r) + "/frames/1", OCTET_MULTIPART))));

        // (4) metadata of the 500-instance series, (5) QIDO all studies limit=100: JSON versus XML
        compare("metadata, 500-instance series", List.of(
                new Variant("JSON", "application/dicom+json", r -> admin.getBytes(metadataPath, "application/dicom+json")),
                new Variant("XML", "application/dicom+xml", r -> admin.getBytes(metadataPath, XML_MULTIPART))));
        compare("QIDO all studies limit=100", List.of(
                new Variant("JSON", "application/dicom+json", r -> admin.getBytes("/studies?limit=100",
                        "application/dicom+json")),
                new Variant("XML", "application/dicom+xml", r -> admin.getBytes("/studies?limit=100", XML_MULTIPART))));

        // (6) STOW: DICOM JSON metadata + octet-stream bulk data versus binary Part 10
        stow();

        // (7) rendered images and thumbnails of the 16-bit CT
        rendered(ct, ctStudyUid);
    }

    // ---- fixtures --------------------------------------------------------------------------------

    private interface Encoder {
        byte[] encode(AttributeList ctList) throws Exception;
    }

    private Kind store(String label, String studyUid, String ts, Encoder encoder) throws Exception {
        String seriesUid = uid();
        List<byte[]> files = new ArrayList<>();
        List<String> paths = new ArrayList<>();
        for (int i = 1; i <= PER_KIND; i++) {
            String sop = uid();
            files.add(encoder.encode(ctList(studyUid, seriesUid, sop, i)));
            paths.add("/studies/" + studyUid + "/series/" + seriesUid + "/instances/" + sop);
        }
        HttpResponse<String> r = ingest.store(files);
        Benchmark.check(r.statusCode() == 200, "STOW of " + label + " answered " + r.statusCode() + ": " + r.body());
        return new Kind(label, ts, paths, files.get(0).length);
    }

    /** A 512×512 16-bit CT image (HU = value − 1024) with a soft-tissue window. */
    private AttributeList ctList(String studyUid, String seriesUid, String sop, int number) throws Exception {
        AttributeList list = DicomFixtures.instance().patient("BENCH-REPR", "REPRESENTATION^BENCH").study(studyUid)
                .series(seriesUid).sop(sop).sopClass(DicomFixtures.CT_IMAGE).modality("CT")
                .studyDate("20240101", "120000").seriesNumber(1).instanceNumber(number).size(SIZE, SIZE)
                .attribute(ds(TagFromName.WindowCenter, "40")).attribute(ds(TagFromName.WindowWidth, "400"))
                .attribute(ds(TagFromName.RescaleIntercept, "-1024")).attribute(ds(TagFromName.RescaleSlope, "1"))
                .attributes();
        OtherWordAttribute pixels = new OtherWordAttribute(TagFromName.PixelData);
        pixels.setValues(ctPixels());
        list.put(pixels);
        return list;
    }

    private short[] ctPixels() {
        short[] v = new short[SIZE * SIZE];
        double cx = SIZE / 2.0 + rnd.nextGaussian() * 8;
        double cy = SIZE / 2.0 + rnd.nextGaussian() * 8;
        for (int r = 0; r < SIZE; r++) {
            for (int c = 0; c < SIZE; c++) {
                double d = Math.hypot(r - cy, c - cx) / (SIZE * 0.42);
                double hu = d > 1 ? -1000 : d > 0.9 ? 900 : 40 + 30 * Math.sin(r / 9.0) * Math.cos(c / 13.0);
                hu += rnd.nextGaussian() * (d > 1 ? 5 : 15);
                v[r * SIZE + c] = (short) Math.max(0, Math.min(4095, Math.round(hu + 1024)));
            }
        }
        return v;
    }

    private static Attribute ds(com.pixelmed.dicom.AttributeTag tag, String value) {
        try {
            Attribute a = new DecimalStringAttribute(tag);
            a.addValue(value);
            return a;
        } catch (com.pixelmed.dicom.DicomException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The CT through its window as 8-bit unsigned monochrome. */
    private static AttributeList to8Bit(AttributeList list) throws Exception {
        short[] in = list.get(TagFromName.PixelData).getShortValues();
        byte[] out = new byte[in.length];
        for (int i = 0; i < in.length; i++) {
            double hu = (in[i] & 0xffff) - 1024;
            out[i] = (byte) Math.max(0, Math.min(255, Math.round((hu - 40 + 200) * 255 / 400)));
        }
        for (var tag : List.of(TagFromName.BitsAllocated, TagFromName.BitsStored, TagFromName.HighBit)) {
            Attribute a = new UnsignedShortAttribute(tag);
            a.addValue(tag.equals(TagFromName.HighBit) ? 7 : 8);
            list.put(a);
        }
        list.remove(TagFromName.RescaleIntercept);
        list.remove(TagFromName.RescaleSlope);
        list.remove(TagFromName.WindowCenter);
        list.remove(TagFromName.WindowWidth);
        Attribute pixels = new OtherByteAttribute(TagFromName.PixelData);
        pixels.setValues(out);
        list.put(pixels);
        return list;
    }

    private static byte[] jpegBaseline(AttributeList list) throws Exception {
        BufferedImage image = new BufferedImage(SIZE, SIZE, BufferedImage.TYPE_BYTE_GRAY);
        image.getRaster().setDataElements(0, 0, SIZE, SIZE, list.get(TagFromName.PixelData).getByteValues());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Benchmark.check(ImageIO.write(image, "jpeg", out), "no JPEG writer");
        list.put(new OtherByteAttributeMultipleCompressedFrames(TagFromName.PixelData,
                new byte[][] {even(out.toByteArray())}));
        return write(list, JPEG_BASELINE);
    }

    /** Frames encoded by PixelMed's own encoder (as TranscodeTest makes its RLE fixture). */
    private static byte[] pixelmedEncoded(AttributeList list, String format) throws Exception {
        SourceImage source = new SourceImage(list);
        Path tmp = Files.createTempFile("bench", "." + format);
        try {
            CompressedFrameEncoder.getCompressedFrameAsFile(list, source.getBufferedImage(0), format, tmp.toFile());
            list.put(new OtherByteAttributeMultipleCompressedFrames(TagFromName.PixelData,
                    new byte[][] {even(Files.readAllBytes(tmp))}));
        } finally {
            Files.deleteIfExists(tmp);
        }
        return write(list, CompressedFrameEncoder.chooseTransferSyntaxForOutputFormat(format));
    }

    /** Reversible JPEG 2000 code stream written by jai-imageio. */
    private static byte[] jpeg2000(AttributeList list) throws Exception {
        BufferedImage image = new BufferedImage(SIZE, SIZE, BufferedImage.TYPE_USHORT_GRAY);
        image.getRaster().setDataElements(0, 0, SIZE, SIZE, list.get(TagFromName.PixelData).getShortValues());
        ImageWriter writer = new com.github.jaiimageio.jpeg2000.impl.J2KImageWriter(new com.github.jaiimageio.jpeg2000.impl.J2KImageWriterSpi());
        J2KImageWriteParam param = (J2KImageWriteParam) writer.getDefaultWriteParam();
        param.setLossless(true);
        param.setWriteCodeStreamOnly(true);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(ios);
            writer.write(null, new IIOImage(image, null, null), param);
        }
        writer.dispose();
        list.put(new OtherByteAttributeMultipleCompressedFrames(TagFromName.PixelData,
                new byte[][] {even(out.toByteArray())}));
        return write(list, J2K_LOSSLESS);
    }

    private static boolean dcmcjpegAvailable() {
        try {
            Process p = new ProcessBuilder("dcmcjpeg", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    /** JPEG lossless, first-order prediction, by dcmtk ({@code dcmcjpeg +e1}), as the committed fixtures. */
    private static byte[] dcmcjpegLossless(AttributeList list) throws Exception {
        Path in = Files.createTempFile("bench", ".dcm");
        Path out = Files.createTempFile("bench", ".dcm");
        try {
            Files.write(in, write(list, ELE));
            Process p = new ProcessBuilder("dcmcjpeg", "+e1", in.toString(), out.toString())
                    .redirectErrorStream(true).start();
            String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            Benchmark.check(p.waitFor() == 0, "dcmcjpeg failed: " + log);
            return Files.readAllBytes(out);
        } finally {
            Files.deleteIfExists(in);
            Files.deleteIfExists(out);
        }
    }

    private static byte[] write(AttributeList list, String ts) throws Exception {
        list.removeMetaInformationHeaderAttributes();
        FileMetaInformation.addFileMetaInformation(list, ts, "DICOMGATE");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        list.write(out, ts, true, true);
        return out.toByteArray();
    }

    private static byte[] even(byte[] bytes) {
        return bytes.length % 2 == 0 ? bytes : java.util.Arrays.copyOf(bytes, bytes.length + 1);
    }

    // ---- measurements ----------------------------------------------------------------------------

    private Variant instance(Kind k, String label, String ts) {
        return new Variant(label, "transfer-syntax=" + ts,
                r -> admin.getBytes(k.path(r), "application/dicom; transfer-syntax=" + ("as stored".equals(label)
                        ? "*" : ts)));
    }

    /** Times the alternatives interleaved, 3 warm-up requests each, and writes one row per variant. */
    private void compare(String what, List<Variant> variants) {
        int n = variants.size();
        List<List<Long>> lat = new ArrayList<>();
        long[] bytes = new long[n];
        for (Variant v : variants) {
            lat.add(new ArrayList<>());
            for (int w = 0; w < 3; w++) {
                checked(what, v, v.call().call(w));
            }
        }
        for (int r = 0; r < runs; r++) {
            for (int i = 0; i < n; i++) {
                long t = System.nanoTime();
                HttpResponse<byte[]> resp = variants.get(i).call().call(r);
                lat.get(i).add(System.nanoTime() - t);
                checked(what, variants.get(i), resp);
                bytes[i] += resp.body().length;
            }
        }
        for (int i = 0; i < n; i++) {
            long total = lat.get(i).stream().mapToLong(Long::longValue).sum();
            table.row(what + ": " + variants.get(i).label(), "%s; %s/response, %.1f MiB/s", p50p95(lat.get(i)),
                    size(bytes[i] / runs), bytes[i] / (1024.0 * 1024.0) / (total / 1e9));
        }
    }

    private static HttpResponse<byte[]> checked(String what, Variant v, HttpResponse<byte[]> r) {
        String type = r.headers().firstValue("Content-Type").orElse("");
        Benchmark.check(r.statusCode() == 200, what + " " + v.label() + " answered " + r.statusCode());
        Benchmark.check(v.contentType() == null || type.contains(v.contentType()),
                what + " " + v.label() + " answered " + type + ", not " + v.contentType());
        return r;
    }

    /**
     * The same instances (pixels and attributes; each request its own UIDs) as binary Part 10, as
     * DICOM JSON metadata + octet-stream bulk data, and as PS3.19 XML metadata + bulk data. A
     * server without XML metadata STOW (415) is reported, not failed.
     */
    private void stow() throws Exception {
        String studyUid = uid();
        List<String> labels = List.of("binary Part 10", "JSON metadata + octet-stream bulk",
                "XML metadata + octet-stream bulk");
        List<String> types = List.of(Multipart.DICOM_TYPE,
                "multipart/related; type=\"application/dicom+json\"; boundary=" + Multipart.BOUNDARY,
                "multipart/related; type=\"application/dicom+xml\"; boundary=" + Multipart.BOUNDARY);
        List<List<Long>> lat = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        int xmlRefused = 0;
        for (int r = 0; r < runs; r++) {
            Multipart bin = new Multipart();
            Multipart json = new Multipart();
            Multipart xml = new Multipart();
            StringBuilder metadata = new StringBuilder("[");
            List<byte[]> bulk = new ArrayList<>();
            String binSeries = uid();
            String jsonSeries = uid();
            String xmlSeries = uid();
            for (int i = 0; i < STOW_PER_REQUEST; i++) {
                AttributeList a = ctList(studyUid, binSeries, uid(), i + 1);
                short[] pixels = a.get(TagFromName.PixelData).getShortValues();
                bin.part("application/dicom", write(a, ELE));
                AttributeList b = ctList(studyUid, jsonSeries, uid(), i + 1);
                b.get(TagFromName.PixelData).setValues(pixels);
                String uri = "bulk/" + i;
                StringWriter text = new StringWriter();
                try (JsonGenerator gen = JSON.getFactory().createGenerator(text)) {
                    DicomJsonWriter.writeDataset(gen, b, (tag, vr, length) -> tag.equals(TagFromName.PixelData)
                            ? uri : null);
                }
                metadata.append(i == 0 ? "" : ",").append(text);
                bulk.add(b.get(TagFromName.PixelData).getByteValues(false));
                AttributeList c = ctList(studyUid, xmlSeries, uid(), i + 1);
                c.get(TagFromName.PixelData).setValues(pixels);
                ByteArrayOutputStream doc = new ByteArrayOutputStream();
                DicomXmlWriter.write(doc, c, (tag, vr, length) -> tag.equals(TagFromName.PixelData) ? "x" + uri : null);
                xml.part("application/dicom+xml", doc.toByteArray())
                        .part("application/octet-stream", "x" + uri, bulk.get(i));
            }
            json.part("application/dicom+json", metadata.append("]").toString().getBytes(StandardCharsets.UTF_8));
            for (int i = 0; i < bulk.size(); i++) {
                json.part("application/octet-stream", "bulk/" + i, bulk.get(i));
            }
            List<byte[]> bodies = List.of(bin.bytes(), json.bytes(), xml.bytes());
            for (int v = 0; v < bodies.size(); v++) {
                if (v == 2 && xmlRefused > 0) {
                    continue;
                }
                long t = System.nanoTime();
                HttpResponse<String> resp = ingest.post("/studies", types.get(v), bodies.get(v));
                long took = System.nanoTime() - t;
                if (v == 2 && (resp.statusCode() == 415 || resp.statusCode() == 400)) {
                    xmlRefused = resp.statusCode();
                    continue;
                }
                Benchmark.check(resp.statusCode() == 200, "STOW " + labels.get(v) + " answered " + resp.statusCode()
                        + ": " + resp.body());
                lat.get(v).add(took);
            }
        }
        double pixelMiB = SIZE * SIZE * 2 * STOW_PER_REQUEST / (1024.0 * 1024.0);
        for (int v = 0; v < labels.size(); v++) {
            String what = "STOW " + runs + " x " + STOW_PER_REQUEST + " CT 512x512: " + labels.get(v);
            if (lat.get(v).isEmpty()) {
                table.row(what, "not available (%d)", xmlRefused);
                continue;
            }
            double sec = lat.get(v).stream().mapToLong(Long::longValue).sum() / 1e9;
            int requests = lat.get(v).size();
            table.row(what, "%.0f instances/s, %.1f MiB/s of pixels; per request %s", requests * STOW_PER_REQUEST / sec,
                    requests * pixelMiB / sec, p50p95(lat.get(v)));
        }
    }

    private void rendered(Kind ct, String ctStudyUid) {
        String series = ct.paths().get(0).substring(0, ct.paths().get(0).indexOf("/instances/"));
        HttpResponse<byte[]> probe = admin.getBytes(ct.path(0) + "/rendered", "image/jpeg");
        if (probe.statusCode() == 404) {
            table.row("rendered", "not available (404)");
            return;
        }
        List<Variant> variants = List.of(
                new Variant("instance JPEG", "image/jpeg", r -> admin.getBytes(ct.path(r) + "/rendered", "image/jpeg")),
                new Variant("instance PNG", "image/png", r -> admin.getBytes(ct.path(r) + "/rendered", "image/png")),
                new Variant("frame 1 JPEG", "image/jpeg", r -> admin.getBytes(ct.path(r) + "/frames/1/rendered",
                        "image/jpeg")),
                new Variant("JPEG viewport=256,256", "image/jpeg", r -> admin.getBytes(ct.path(r)
                        + "/rendered?viewport=256,256", "image/jpeg")),
                new Variant("JPEG window=400,1500,linear quality=90", "image/jpeg", r -> admin.getBytes(ct.path(r)
                        + "/rendered?window=400,1500,linear&quality=90", "image/jpeg")),
                new Variant("instance thumbnail", "image/jpeg", r -> admin.getBytes(ct.path(r) + "/thumbnail",
                        "image/jpeg")),
                new Variant("series thumbnail", "image/jpeg", r -> admin.getBytes(series + "/thumbnail", "image/jpeg")),
                new Variant("study thumbnail", "image/jpeg", r -> admin.getBytes("/studies/" + ctStudyUid
                        + "/thumbnail", "image/jpeg")));
        List<Variant> available = new ArrayList<>();
        for (Variant v : variants) {
            HttpResponse<byte[]> r = v.call().call(0);
            if (r.statusCode() != 200) {
                table.row("rendered " + v.label(), "not available (%d)", r.statusCode());
                continue;
            }
            available.add(v);
            System.out.printf("  rendered %-40s %s%n", v.label(), dimensions(r.body()));
        }
        if (!available.isEmpty()) {
            compare("rendered 16-bit CT 512x512", available);
        }
    }

    private static String dimensions(byte[] image) {
        try {
            BufferedImage img = ImageIO.read(new ByteArrayInputStream(image));
            return img == null ? "not decodable by ImageIO" : img.getWidth() + "x" + img.getHeight() + ", "
                    + image.length / 1024 + " KiB";
        } catch (IOException e) {
            return "not decodable: " + e.getMessage();
        }
    }

    // ---- helpers ---------------------------------------------------------------------------------

    private static String p50p95(List<Long> nanos) {
        List<Long> s = nanos.stream().sorted().toList();
        return String.format(Locale.ROOT, "p50 %.1f ms, p95 %.1f ms", at(s, 0.5) / 1e6, at(s, 0.95) / 1e6);
    }

    private static long at(List<Long> sorted, double p) {
        return sorted.get(Math.max(0, (int) Math.ceil(p * sorted.size()) - 1));
    }

    private static String size(long bytes) {
        return bytes >= 1024 * 1024 ? String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024.0))
                : String.format(Locale.ROOT, "%.0f KiB", bytes / 1024.0);
    }

    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "?";
        }
    }

    private String uid() {
        return "2.25." + new BigInteger(120, rnd).add(BigInteger.ONE);
    }
}
