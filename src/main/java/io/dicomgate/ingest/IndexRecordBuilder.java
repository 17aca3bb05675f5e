package io.dicomgate.ingest;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Set;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.TagFromName;

import io.dicomgate.dicom.BulkDataPolicy;
import io.dicomgate.dicom.DicomJsonWriter;
import io.dicomgate.dicom.DicomLevels;
import io.dicomgate.dicom.DicomTime;
import io.dicomgate.dicom.Part10Structure;
import io.dicomgate.dicom.PixelDataLocation;
import io.dicomgate.index.IndexRecord;
import io.dicomgate.index.IndexRecord.InstanceRow;
import io.dicomgate.index.IndexRecord.PatientRow;
import io.dicomgate.index.IndexRecord.SeriesRow;
import io.dicomgate.index.IndexRecord.StudyRow;

/**
 * Turns a parsed, validated instance into its index rows, including the precomputed metadata that
 * WADO-RS serves without opening the file (PS3.18 §10.4.1.1.2).
 */
final class IndexRecordBuilder {

    /** Placeholder for the service base URL in stored BulkDataURIs, replaced when served. */
    static final String SERVICE = "{+SERVICE}";
    /** Binary values up to this many bytes are inlined (InlineBinary); larger ones become bulk data. */
    static final long INLINE_BINARY_LIMIT = 1024;
    private static final Set<String> BINARY_VRS = Set.of("OB", "OD", "OF", "OL", "OV", "OW", "UN");
    private static final JsonFactory JSON = new JsonFactory();

    private IndexRecordBuilder() {
    }

    static IndexRecord build(AttributeList list, Part10Structure structure, String sha256, String blobKey,
            String coercions) {
        String studyUid = string(list, TagFromName.StudyInstanceUID);
        String seriesUid = string(list, TagFromName.SeriesInstanceUID);
        String sopUid = string(list, TagFromName.SOPInstanceUID);
        String instancePath = SERVICE + "/studies/" + studyUid + "/series/" + seriesUid + "/instances/" + sopUid;
        BulkDataPolicy bulk = (tag, vr, length) -> length > INLINE_BINARY_LIMIT
                ? instancePath + "/bulkdata/" + DicomJsonWriter.tagKey(tagInt(tag))
                : null;
        PixelDataLocation pixels = structure.pixelData();

        PatientRow patient = new PatientRow(nonNull(string(list, TagFromName.PatientID)),
                nonNull(string(list, TagFromName.IssuerOfPatientID)), raw(list, TagFromName.PatientName),
                string(list, TagFromName.PatientBirthDate), string(list, TagFromName.PatientSex),
                levelJson(list, DicomLevels.PATIENT, bulk));
        StudyRow study = new StudyRow(studyUid, string(list, TagFromName.StudyDate),
                DicomTime.normalize(string(list, TagFromName.StudyTime)), string(list, TagFromName.AccessionNumber),
                string(list, TagFromName.StudyID), string(list, TagFromName.StudyDescription),
                raw(list, TagFromName.ReferringPhysicianName), levelJson(list, DicomLevels.STUDY, bulk));
        SeriesRow series = new SeriesRow(seriesUid, string(list, TagFromName.Modality),
                integer(list, TagFromName.SeriesNumber), string(list, TagFromName.SeriesDescription),
                string(list, TagFromName.PerformedProcedureStepStartDate),
                DicomTime.normalize(string(list, TagFromName.PerformedProcedureStepStartTime)),
                levelJson(list, DicomLevels.SERIES, bulk));
        InstanceRow instance = new InstanceRow(sopUid, string(list, TagFromName.SOPClassUID),
                integer(list, TagFromName.InstanceNumber), integer(list, TagFromName.Rows),
                integer(list, TagFromName.Columns), integer(list, TagFromName.BitsAllocated),
                integer(list, TagFromName.SamplesPerPixel), integer(list, TagFromName.NumberOfFrames),
                structure.transferSyntaxUid(), structure.fileLength(), sha256, blobKey,
                pixels == null ? null : pixels.vr(), pixels == null ? null : pixels.valueOffset(),
                pixels == null ? null : pixels.valueLength(),
                metadataJson(list, pixels, bulk, instancePath), instanceLevelJson(list), coercions);
        return new IndexRecord(patient, study, series, instance);
    }

    /** All attributes, with Pixel Data as a BulkDataURI (PS3.18 §F.2.6). */
    private static String metadataJson(AttributeList list, PixelDataLocation pixels, BulkDataPolicy bulk,
            String instancePath) {
        return json(gen -> {
            DicomJsonWriter.writeFields(gen, list, bulk);
            if (pixels != null) {
                DicomJsonWriter.writeBulkDataUri(gen, 0x7FE00010, pixels.vr(), instancePath + "/bulkdata/7FE00010");
            }
        });
    }

    private static String levelJson(AttributeList list, Set<Integer> tags, BulkDataPolicy bulk) {
        AttributeList level = new AttributeList();
        for (Attribute a : list.values()) {
            if (tags.contains(tagInt(a.getTag()))) {
                level.put(a);
            }
        }
        return json(gen -> DicomJsonWriter.writeFields(gen, level, bulk));
    }

    /** Instance-level attributes for QIDO: not the other levels', and no binary values. */
    private static String instanceLevelJson(AttributeList list) {
        AttributeList level = new AttributeList();
        for (Attribute a : list.values()) {
            int tag = tagInt(a.getTag());
            if (!DicomLevels.PATIENT.contains(tag) && !DicomLevels.STUDY.contains(tag)
                    && !DicomLevels.SERIES.contains(tag) && !BINARY_VRS.contains(a.getVRAsString())) {
                level.put(a);
            }
        }
        return json(gen -> DicomJsonWriter.writeFields(gen, level, BulkDataPolicy.INLINE_ALL));
    }

    private interface JsonBody {
        void write(JsonGenerator gen) throws IOException;
    }

    private static String json(JsonBody body) {
        StringWriter out = new StringWriter();
        try (JsonGenerator gen = JSON.createGenerator(out)) {
            // Members only: the generator needs an enclosing object, which is cut off again below.
            gen.writeStartObject();
            body.write(gen);
            gen.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String object = out.toString();
        return object.substring(1, object.length() - 1);
    }

    static int tagInt(AttributeTag tag) {
        return (tag.getGroup() << 16) | tag.getElement();
    }

    /** First value with padding trimmed, or null when absent or empty. */
    static String string(AttributeList list, AttributeTag tag) {
        String value = Attribute.getSingleStringValueOrNull(list, tag);
        if (value == null) {
            return null;
        }
        value = value.strip();
        return value.isEmpty() ? null : value;
    }

    /** The whole value as stored (all components of a person name), trimmed. */
    private static String raw(AttributeList list, AttributeTag tag) {
        String value = Attribute.getDelimitedStringValuesOrNull(list, tag);
        if (value == null) {
            return null;
        }
        value = value.strip();
        return value.isEmpty() ? null : value;
    }

    static Integer integer(AttributeList list, AttributeTag tag) {
        String value = string(list, tag);
        if (value == null) {
            return null;
        }
        try {
            return Integer.valueOf(value.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String nonNull(String value) {
        return value == null ? "" : value;
    }
}
