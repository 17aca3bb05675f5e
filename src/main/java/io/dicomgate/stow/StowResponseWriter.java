package io.dicomgate.stow;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import io.dicomgate.dicom.DicomJsonWriter;

/** The Store Instances Response Module (PS3.18 §10.5.3, Table 10.5.3-3) as DICOM JSON. */
final class StowResponseWriter {

    private static final int RETRIEVE_URL = 0x00081190;
    private static final int FAILED_SOP_SEQUENCE = 0x00081198;
    private static final int REFERENCED_SOP_SEQUENCE = 0x00081199;
    private static final int REFERENCED_SOP_CLASS_UID = 0x00081150;
    private static final int REFERENCED_SOP_INSTANCE_UID = 0x00081155;
    private static final int FAILURE_REASON = 0x00081197;
    private static final int WARNING_REASON = 0x00081196;
    /** Warning Reason "Coercion of Data Elements" (PS3.18 Table 10.5.3-2, PS3.4 B.2.3). */
    private static final String COERCION_OF_DATA_ELEMENTS = Integer.toString(0xB000);
    private static final JsonFactory JSON = new JsonFactory();

    private StowResponseWriter() {
    }

    static void write(StowResult result, OutputStream out) throws IOException {
        try (JsonGenerator gen = JSON.createGenerator(out)) {
            gen.writeStartObject();
            if (result.studyRetrieveUrl() != null) {
                DicomJsonWriter.writeAttribute(gen, RETRIEVE_URL, "UR", List.of(result.studyRetrieveUrl()));
            }
            if (!result.failed().isEmpty()) {
                gen.writeFieldName(DicomJsonWriter.tagKey(FAILED_SOP_SEQUENCE));
                gen.writeStartObject();
                gen.writeStringField("vr", "SQ");
                gen.writeArrayFieldStart("Value");
                for (StowResult.Failed f : result.failed()) {
                    gen.writeStartObject();
                    uid(gen, REFERENCED_SOP_CLASS_UID, f.sopClassUid());
                    uid(gen, REFERENCED_SOP_INSTANCE_UID, f.sopInstanceUid());
                    DicomJsonWriter.writeAttribute(gen, FAILURE_REASON, "US", List.of(Integer.toString(f.reason().code)));
                    gen.writeEndObject();
                }
                gen.writeEndArray();
                gen.writeEndObject();
            }
            if (!result.stored().isEmpty()) {
                gen.writeFieldName(DicomJsonWriter.tagKey(REFERENCED_SOP_SEQUENCE));
                gen.writeStartObject();
                gen.writeStringField("vr", "SQ");
                gen.writeArrayFieldStart("Value");
                for (StowResult.Stored s : result.stored()) {
                    gen.writeStartObject();
                    uid(gen, REFERENCED_SOP_CLASS_UID, s.sopClassUid());
                    uid(gen, REFERENCED_SOP_INSTANCE_UID, s.sopInstanceUid());
                    DicomJsonWriter.writeAttribute(gen, RETRIEVE_URL, "UR", List.of(s.retrieveUrl()));
                    if (s.coerced()) {
                        DicomJsonWriter.writeAttribute(gen, WARNING_REASON, "US", List.of(COERCION_OF_DATA_ELEMENTS));
                    }
                    gen.writeEndObject();
                }
                gen.writeEndArray();
                gen.writeEndObject();
            }
            gen.writeEndObject();
        }
    }

    private static void uid(JsonGenerator gen, int tag, String value) throws IOException {
        DicomJsonWriter.writeAttribute(gen, tag, "UI", value == null ? List.of() : List.of(value));
    }
}
