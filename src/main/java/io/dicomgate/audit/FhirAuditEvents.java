package io.dicomgate.audit;

import java.util.List;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Audit log rows as FHIR R4 {@code AuditEvent} resources in a {@code searchset} Bundle, shaped after
 * IHE Basic Audit Log Patterns (BALP, https://profiles.ihe.net/ITI/BALP/): the user, the client and
 * the server as agents, dicomgate as source, the patient and the study as entities, the request id as
 * a BALP {@code XrequestId} entity, break-the-glass as purposeOfEvent {@code BTG}.
 *
 * <p>Event types follow DICOM PS3.15 A.5 for the DICOMweb transactions (110112 Query, 110106 Export,
 * 110107 Import) and BALP's {@code rest} for the other REST interactions; the subtype names the
 * RESTful interaction and, for DICOMweb, the transaction (QIDO-RS, WADO-RS, STOW-RS).
 */
public final class FhirAuditEvents {

    public static final String MEDIA_TYPE = "application/fhir+json";
    static final String DCM = "http://dicom.nema.org/resources/ontology/DCM";
    static final String EVENT_TYPE = "http://terminology.hl7.org/CodeSystem/audit-event-type";
    static final String RESTFUL = "http://hl7.org/fhir/restful-interaction";
    static final String DICOMWEB = "urn:dicomgate:dicomweb-transaction";
    static final String ACT_REASON = "http://terminology.hl7.org/CodeSystem/v3-ActReason";
    static final String PARTICIPATION = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType";
    static final String ENTITY_TYPE = "http://terminology.hl7.org/CodeSystem/audit-entity-type";
    static final String OBJECT_ROLE = "http://terminology.hl7.org/CodeSystem/object-role";
    static final String BALP_ENTITY = "https://profiles.ihe.net/ITI/BALP/CodeSystem/BasicAuditEntityType";
    static final String REALM_ROLE = "urn:dicomgate:realm-role";
    static final String SUBJECT = "urn:dicomgate:token-subject";
    static final String CLIENT = "urn:dicomgate:client-id";
    static final String DICOM_UID = "urn:dicom:uid";
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    /** How one of our actions reads in AuditEvent: type, subtype(s) and action code. */
    record Kind(String typeSystem, String typeCode, String typeDisplay, String interaction, String transaction,
            String action) {
    }

    private FhirAuditEvents() {
    }

    static Kind kind(AuditAction action) {
        return switch (action) {
            case SEARCH -> new Kind(DCM, "110112", "Query", "search-type", "QIDO-RS", "E");
            case RETRIEVE -> new Kind(DCM, "110106", "Export", "read", "WADO-RS", "R");
            case STORE -> new Kind(DCM, "110107", "Import", "create", "STOW-RS", "C");
            case CONSENT_CREATE, BREAK_GLASS, SHARE_CREATE -> rest("create", "C");
            case CONSENT_REVOKE, BREAK_GLASS_REVIEW, ALERT_ACKNOWLEDGE, SHARE_REVOKE -> rest("update", "U");
            case CONSENT_READ, BREAK_GLASS_READ, AUDIT_READ, ACCESS_LOG_READ, ALERT_READ, SHARE_READ -> rest("search-type", "E");
            case QUARANTINE_READ -> rest("read", "R");
            case IMPORT -> new Kind(DCM, "110107", "Import", "create", null, "C");
            case IMPORT_READ -> rest("search-type", "E");
            case SHARE_EXCHANGE -> new Kind(DCM, "110114", "User Authentication", "create", null, "E");
        };
    }

    private static Kind rest(String interaction, String action) {
        return new Kind(EVENT_TYPE, "rest", "Restful Operation", interaction, null, action);
    }

    /** FHIR R4 AuditEvent.outcome: 0 success, 4 minor failure (refused or wrong request), 8 serious failure. */
    static String outcome(AuditOutcome outcome) {
        return switch (outcome) {
            case SUCCESS -> "0";
            case DENIED, NOT_FOUND, INVALID_REQUEST -> "4";
            case FAILURE -> "8";
        };
    }

    /** A searchset Bundle of the page; {@code nextUrl} null on the last page. */
    public static ObjectNode bundle(List<AuditEntry> entries, String selfUrl, String nextUrl) {
        ObjectNode bundle = JSON.objectNode().put("resourceType", "Bundle").put("type", "searchset");
        ArrayNode links = bundle.putArray("link");
        links.addObject().put("relation", "self").put("url", selfUrl);
        if (nextUrl != null) {
            links.addObject().put("relation", "next").put("url", nextUrl);
        }
        ArrayNode items = bundle.putArray("entry");
        for (AuditEntry entry : entries) {
            ObjectNode item = items.addObject();
            item.set("resource", auditEvent(entry));
            item.putObject("search").put("mode", "match");
        }
        return bundle;
    }

    public static ObjectNode auditEvent(AuditEntry entry) {
        AuditEvent e = entry.event();
        Kind kind = kind(e.action());
        ObjectNode r = JSON.objectNode().put("resourceType", "AuditEvent").put("id", Long.toString(entry.seq()));
        r.set("type", coding(kind.typeSystem(), kind.typeCode(), kind.typeDisplay()));
        ArrayNode subtype = r.putArray("subtype");
        subtype.add(coding(RESTFUL, kind.interaction(), null));
        if (kind.transaction() != null) {
            subtype.add(coding(DICOMWEB, kind.transaction(), null));
        }
        r.put("action", kind.action());
        r.put("recorded", e.time().toString());
        r.put("outcome", outcome(e.outcome()));
        r.put("outcomeDesc", e.outcome().name() + " (HTTP " + e.httpStatus() + ")"
                + (e.detail() == null ? "" : ": " + e.detail()));
        if (e.breakGlassReason() != null || e.purposeOfUse() != null) {
            ArrayNode purposes = r.putArray("purposeOfEvent");
            if (e.breakGlassReason() != null) {
                ObjectNode btg = purposes.addObject();
                btg.putArray("coding").add(coding(ACT_REASON, "BTG", "break the glass"));
                btg.put("text", e.breakGlassReason());
            }
            if (e.purposeOfUse() != null && !"BTG".equals(e.purposeOfUse())) {
                purposes.addObject().putArray("coding").add(coding(ACT_REASON, e.purposeOfUse(), null));
            }
        }
        ArrayNode agents = r.putArray("agent");
        ObjectNode user = agents.addObject();
        user.set("type", concept(PARTICIPATION, "IRCP", "information recipient"));
        if (e.roles() != null && !e.roles().isEmpty()) {
            ArrayNode roles = user.putArray("role");
            e.roles().stream().sorted().forEach(role -> roles.add(concept(REALM_ROLE, role, null)));
        }
        ObjectNode who = user.putObject("who");
        if (e.subject() != null) {
            who.putObject("identifier").put("system", SUBJECT).put("value", e.subject());
        }
        if (e.username() != null) {
            who.put("display", e.username());
        }
        user.put("requestor", true);
        network(user, e.sourceAddress());
        if (e.clientId() != null) {
            ObjectNode client = agents.addObject();
            client.set("type", concept(DCM, "110153", "Source Role ID"));
            client.putObject("who").putObject("identifier").put("system", CLIENT).put("value", e.clientId());
            client.put("requestor", false);
            network(client, e.sourceAddress());
        }
        ObjectNode server = agents.addObject();
        server.set("type", concept(DCM, "110152", "Destination Role ID"));
        server.putObject("who").put("display", "dicomgate");
        server.put("requestor", false);
        ObjectNode source = r.putObject("source").put("site", "dicomgate");
        source.putObject("observer").put("display", "dicomgate");
        source.putArray("type").add(coding("http://terminology.hl7.org/CodeSystem/security-source-type", "4",
                "Application Server"));
        ArrayNode entities = r.putArray("entity");
        if (e.patientId() != null) {
            ObjectNode patient = entities.addObject();
            patient.set("what", JSON.objectNode().set("identifier", patientIdentifier(e.patientId(), e.issuer())));
            patient.set("type", coding(ENTITY_TYPE, "1", "Person"));
            patient.set("role", coding(OBJECT_ROLE, "1", "Patient"));
        }
        if (e.studyUid() != null) {
            ObjectNode study = entities.addObject();
            study.putObject("what").putObject("identifier").put("system", DICOM_UID)
                    .put("value", "urn:oid:" + e.studyUid());
            study.set("type", coding(ENTITY_TYPE, "2", "System Object"));
            study.set("role", coding(OBJECT_ROLE, "3", "Report"));
            ArrayNode detail = JSON.arrayNode();
            if (e.seriesUid() != null) {
                detail.addObject().put("type", "SeriesInstanceUID").put("valueString", e.seriesUid());
            }
            if (e.instanceUid() != null) {
                detail.addObject().put("type", "SOPInstanceUID").put("valueString", e.instanceUid());
            }
            if (!detail.isEmpty()) {
                study.set("detail", detail);
            }
        }
        ObjectNode transaction = entities.addObject();
        transaction.putObject("what").putObject("identifier").put("value", e.requestId());
        transaction.set("type", coding(BALP_ENTITY, "XrequestId", null));
        return r;
    }

    /**
     * Identifier.system must be a URI: an OID issuer becomes {@code urn:oid:}, an issuer that already
     * is a URI stays, any other issuer goes to {@code assigner.display}.
     */
    static ObjectNode patientIdentifier(String patientId, String issuer) {
        ObjectNode id = JSON.objectNode();
        if (issuer != null && !issuer.isEmpty()) {
            if (issuer.matches("[0-2](\\.(0|[1-9][0-9]*))+")) {
                id.put("system", "urn:oid:" + issuer);
            } else if (issuer.matches("[A-Za-z][A-Za-z0-9+.-]*:.+")) {
                id.put("system", issuer);
            } else {
                id.putObject("assigner").put("display", issuer);
            }
        }
        return id.put("value", patientId);
    }

    private static void network(ObjectNode agent, String address) {
        if (address != null) {
            agent.putObject("network").put("address", address).put("type", "2");
        }
    }

    private static ObjectNode coding(String system, String code, String display) {
        ObjectNode c = JSON.objectNode().put("system", system).put("code", code);
        if (display != null) {
            c.put("display", display);
        }
        return c;
    }

    private static ObjectNode concept(String system, String code, String display) {
        ObjectNode c = JSON.objectNode();
        c.putArray("coding").add(coding(system, code, display));
        return c;
    }
}
