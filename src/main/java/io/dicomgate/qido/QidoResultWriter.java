package io.dicomgate.qido;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
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

    /**
     * The stored members are copied as they are, not parsed into trees and written again: only their
     * names are read, to order and select them (the trees took 10 % of the node's CPU samples on a page
     * of 20 studies, more on larger pages).
     */
    static void write(QidoResult result, String serviceUrl, OutputStream out) throws IOException {
        QidoQuery q = result.query();
        Set<String> wanted = wanted(q);
        try (JsonGenerator gen = JSON.createGenerator(out)) {
            gen.writeStartArray();
            for (QidoRow row : result.rows()) {
                gen.writeStartObject();
                for (Map.Entry<String, Object> a : attributes(row, q.level(), serviceUrl, true).entrySet()) {
                    if (returns(q, wanted, a.getKey())) {
                        gen.writeFieldName(a.getKey());
                        if (a.getValue() instanceof String raw) {
                            gen.writeRawValue(raw);
                        } else {
                            MAPPER.writeTree(gen, (JsonNode) a.getValue());
                        }
                    }
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

    /** The attributes of one match that the search returns, in ascending tag order, as trees. */
    private static Map<String, JsonNode> returned(QidoRow row, QidoQuery q, Set<String> wanted, String serviceUrl)
            throws IOException {
        Map<String, JsonNode> returned = new TreeMap<>();
        attributes(row, q.level(), serviceUrl, false).forEach((key, value) -> {
            if (returns(q, wanted, key)) {
                returned.put(key, (JsonNode) value);
            }
        });
        return returned;
    }

    /** Whether the search returns this attribute ({@code includefield=all}, or one it wants). */
    private static boolean returns(QidoQuery q, Set<String> wanted, String key) {
        return q.includeAll() || wanted.contains(key);
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

    /**
     * All attributes of one match by tag: the stored members (raw JSON text when {@code raw}, else
     * trees) and those computed here (trees).
     */
    private static Map<String, Object> attributes(QidoRow row, QueryLevel level, String serviceUrl, boolean raw)
            throws IOException {
        Map<String, Object> all = new TreeMap<>();
        merge(all, row.patientJson(), raw);
        merge(all, row.studyJson(), raw);
        String url = serviceUrl + "/studies/" + row.studyUid();
        all.put(MODALITIES_IN_STUDY, strings("CS", row.modalities()));
        all.put(STUDY_RELATED_SERIES, number("IS", row.studySeries()));
        all.put(STUDY_RELATED_INSTANCES, number("IS", row.studyInstances()));
        if (level.includes(QueryLevel.SERIES)) {
            merge(all, row.seriesJson(), raw);
            url += "/series/" + row.seriesUid();
            all.put(SERIES_RELATED_INSTANCES, number("IS", row.seriesInstances()));
        }
        if (level == QueryLevel.INSTANCE) {
            merge(all, row.instanceJson(), raw);
            url += "/instances/" + row.sopInstanceUid();
        }
        all.put(INSTANCE_AVAILABILITY, strings("CS", "ONLINE"));
        all.put(RETRIEVE_URL, strings("UR", url));
        return all;
    }

    /** Stored DICOM JSON members (without their braces) into {@code into}: each value as text or as a tree. */
    private static void merge(Map<String, Object> into, String members, boolean raw) throws IOException {
        if (members == null || members.isEmpty()) {
            return;
        }
        String object = "{" + members + "}";
        try (JsonParser parser = JSON.createParser(object)) {
            parser.nextToken();
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String key = parser.currentName();
                JsonToken value = parser.nextToken();
                if (raw && value.isStructStart()) {
                    int start = (int) parser.currentTokenLocation().getCharOffset();
                    parser.skipChildren();
                    into.put(key, object.substring(start, (int) parser.currentLocation().getCharOffset()));
                } else {
                    into.put(key, MAPPER.readTree(parser));
                }
            }
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
