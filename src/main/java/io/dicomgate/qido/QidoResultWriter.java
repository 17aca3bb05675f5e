package io.dicomgate.qido;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.dicomgate.dicom.DicomJsonWriter;
import io.dicomgate.dicom.DicomMediaTypes;
import io.dicomgate.dicom.DicomXmlWriter;
import io.dicomgate.dicom.MultipartWriter;

/**
 * Writes search results as a DICOM JSON array (PS3.18 §10.6.3.3, Annex F): the return attributes
 * required at the level (Tables 10.6.3-3/-4/-5), the matching keys, and what {@code includefield}
 * asked for, taken from the level attributes stored at ingest.
 */
final class QidoResultWriter {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonFactory JSON = MAPPER.getFactory();

    private static final String RETRIEVE_URL = "00081190";
    private static final String INSTANCE_AVAILABILITY = "00080056";
    private static final String MODALITIES_IN_STUDY = "00080061";
    private static final String STUDY_RELATED_SERIES = "00201206";
    private static final String STUDY_RELATED_INSTANCES = "00201208";
    private static final String SERIES_RELATED_INSTANCES = "00201209";

    /** Table 10.6.3-3 Study Result Attributes. */
    static final Set<String> STUDY_DEFAULTS = Set.of("00080020", "00080030", "00080050", INSTANCE_AVAILABILITY,
            MODALITIES_IN_STUDY, "00080090", "00080201", RETRIEVE_URL, "00100010", "00100020", "00100030", "00100040",
            "0020000D", "00200010", STUDY_RELATED_SERIES, STUDY_RELATED_INSTANCES);
    /** Table 10.6.3-4 Series Result Attributes. */
    static final Set<String> SERIES_DEFAULTS = Set.of("00080060", "00080201", "0008103E", RETRIEVE_URL, "0020000E",
            "00200011", SERIES_RELATED_INSTANCES, "00400244", "00400245", "00400275");
    /** Table 10.6.3-5 Instance Result Attributes. */
    static final Set<String> INSTANCE_DEFAULTS = Set.of("00080016", "00080018", INSTANCE_AVAILABILITY, "00080201",
            RETRIEVE_URL, "00200013", "00280010", "00280011", "00280100", "00280008");

    private QidoResultWriter() {
    }

    static void write(QidoResult result, String serviceUrl, OutputStream out) throws IOException {
        QidoQuery q = result.query();
        Set<String> wanted = wanted(q);
        try (JsonGenerator gen = JSON.createGenerator(out)) {
            gen.writeStartArray();
            for (QidoRow row : result.rows()) {
                gen.writeStartObject();
                for (Map.Entry<String, JsonNode> a : returned(row, q, wanted, serviceUrl).entrySet()) {
                    gen.writeFieldName(a.getKey());
                    MAPPER.writeTree(gen, a.getValue());
                }
                gen.writeEndObject();
            }
            gen.writeEndArray();
        }
    }

    /**
     * PS3.18 §10.6.3.3.2 / §8.7.3.2: the same results as {@link #write}, one PS3.19 Native DICOM
     * Model document per match, each in its own {@code application/dicom+xml} part.
     */
    static void writeXml(QidoResult result, String serviceUrl, OutputStream out, String boundary) throws IOException {
        QidoQuery q = result.query();
        Set<String> wanted = wanted(q);
        MultipartWriter multipart = new MultipartWriter(out, boundary);
        for (QidoRow row : result.rows()) {
            ObjectNode dataset = MAPPER.createObjectNode();
            returned(row, q, wanted, serviceUrl).forEach(dataset::set);
            multipart.startPart(DicomMediaTypes.DICOM_XML, null);
            DicomXmlWriter.write(multipart.body(), dataset);
            multipart.endPart();
        }
        multipart.finish();
    }

    /** The attributes of one match that the search returns, in ascending tag order. */
    private static Map<String, JsonNode> returned(QidoRow row, QidoQuery q, Set<String> wanted, String serviceUrl)
            throws IOException {
        Map<String, JsonNode> attributes = attributes(row, q.level(), serviceUrl);
        if (!q.includeAll()) {
            attributes.keySet().retainAll(wanted);
        }
        return attributes;
    }

    /**
     * PS3.18 §10.6.3.3: a search for all series also returns the study attributes, one for all
     * instances the study and series attributes, one for a study's instances the series attributes.
     */
    private static Set<String> wanted(QidoQuery q) {
        Set<String> wanted = new HashSet<>();
        switch (q.level()) {
            case STUDY -> wanted.addAll(STUDY_DEFAULTS);
            case SERIES -> {
                wanted.addAll(SERIES_DEFAULTS);
                if (q.studyUid() == null) {
                    wanted.addAll(STUDY_DEFAULTS);
                }
            }
            case INSTANCE -> {
                wanted.addAll(INSTANCE_DEFAULTS);
                if (q.seriesUid() == null) {
                    wanted.addAll(SERIES_DEFAULTS);
                }
                if (q.studyUid() == null) {
                    wanted.addAll(STUDY_DEFAULTS);
                }
            }
        }
        q.includeFields().forEach(tag -> wanted.add(DicomJsonWriter.tagKey(tag)));
        q.matches().keySet().forEach(key -> wanted.add(DicomJsonWriter.tagKey(key.tag)));
        return wanted;
    }

    private static Map<String, JsonNode> attributes(QidoRow row, QueryLevel level, String serviceUrl)
            throws IOException {
        Map<String, JsonNode> all = new TreeMap<>();
        merge(all, row.patientJson());
        merge(all, row.studyJson());
        String url = serviceUrl + "/studies/" + row.studyUid();
        all.put(MODALITIES_IN_STUDY, strings("CS", row.modalities()));
        all.put(STUDY_RELATED_SERIES, number("IS", row.studySeries()));
        all.put(STUDY_RELATED_INSTANCES, number("IS", row.studyInstances()));
        if (level.includes(QueryLevel.SERIES)) {
            merge(all, row.seriesJson());
            url += "/series/" + row.seriesUid();
            all.put(SERIES_RELATED_INSTANCES, number("IS", row.seriesInstances()));
        }
        if (level == QueryLevel.INSTANCE) {
            merge(all, row.instanceJson());
            url += "/instances/" + row.sopInstanceUid();
        }
        all.put(INSTANCE_AVAILABILITY, strings("CS", "ONLINE"));
        all.put(RETRIEVE_URL, strings("UR", url));
        return all;
    }

    private static void merge(Map<String, JsonNode> into, String members) throws IOException {
        if (members == null || members.isEmpty()) {
            return;
        }
        JsonNode object = MAPPER.readTree("{" + members + "}");
        for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> field = it.next();
            into.put(field.getKey(), field.getValue());
        }
    }

    private static ObjectNode strings(String vr, String... values) {
        ObjectNode node = MAPPER.createObjectNode().put("vr", vr);
        if (values.length > 0) {
            var array = node.putArray("Value");
            Arrays.stream(values).forEach(array::add);
        }
        return node;
    }

    private static ObjectNode number(String vr, int value) {
        ObjectNode node = MAPPER.createObjectNode().put("vr", vr);
        node.putArray("Value").add(value);
        return node;
    }
}
