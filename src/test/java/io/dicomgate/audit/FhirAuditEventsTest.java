package io.dicomgate.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/** The BALP vocabulary mapping, as a table. */
class FhirAuditEventsTest {

    /** The expected FHIR coding of every action: type code, interaction, action code. */
    private static final Map<AuditAction, List<String>> EXPECTED = Map.ofEntries(
            Map.entry(AuditAction.SEARCH, List.of("110112", "search-type", "E")),
            Map.entry(AuditAction.RETRIEVE, List.of("110106", "read", "R")),
            Map.entry(AuditAction.STORE, List.of("110107", "create", "C")),
            Map.entry(AuditAction.CONSENT_CREATE, List.of("rest", "create", "C")),
            Map.entry(AuditAction.CONSENT_REVOKE, List.of("rest", "update", "U")),
            Map.entry(AuditAction.CONSENT_READ, List.of("rest", "search-type", "E")),
            Map.entry(AuditAction.BREAK_GLASS, List.of("rest", "create", "C")),
            Map.entry(AuditAction.BREAK_GLASS_REVIEW, List.of("rest", "update", "U")),
            Map.entry(AuditAction.BREAK_GLASS_READ, List.of("rest", "search-type", "E")),
            Map.entry(AuditAction.AUDIT_READ, List.of("rest", "search-type", "E")),
            Map.entry(AuditAction.ACCESS_LOG_READ, List.of("rest", "search-type", "E")),
            Map.entry(AuditAction.ALERT_READ, List.of("rest", "search-type", "E")),
            Map.entry(AuditAction.SHARE_CREATE, List.of("rest", "create", "C")),
            Map.entry(AuditAction.SHARE_REVOKE, List.of("rest", "update", "U")),
            Map.entry(AuditAction.SHARE_READ, List.of("rest", "search-type", "E")),
            Map.entry(AuditAction.SHARE_EXCHANGE, List.of("110114", "create", "E")),
            Map.entry(AuditAction.QUARANTINE_READ, List.of("rest", "read", "R")),
            Map.entry(AuditAction.IMPORT, List.of("110107", "create", "C")),
            Map.entry(AuditAction.IMPORT_READ, List.of("rest", "search-type", "E")),
            Map.entry(AuditAction.ALERT_ACKNOWLEDGE, List.of("rest", "update", "U")));

    /** Every action, so a new one without an expected coding here fails instead of passing unseen. */
    @ParameterizedTest
    @EnumSource(AuditAction.class)
    void typeSubtypeAndAction(AuditAction action) {
        List<String> expected = EXPECTED.get(action);
        assertNotNull(expected, action + " has no expected FHIR coding in this test");
        FhirAuditEvents.Kind kind = FhirAuditEvents.kind(action);
        assertEquals(expected.get(0), kind.typeCode());
        assertEquals(expected.get(0).equals("rest") ? FhirAuditEvents.EVENT_TYPE : FhirAuditEvents.DCM, kind.typeSystem());
        assertEquals(expected.get(1), kind.interaction());
        assertEquals(expected.get(2), kind.action());
    }

    @ParameterizedTest
    @CsvSource({ "SUCCESS, 0", "DENIED, 4", "NOT_FOUND, 4", "INVALID_REQUEST, 4", "FAILURE, 8" })
    void outcomeCodes(AuditOutcome outcome, String code) {
        assertEquals(code, FhirAuditEvents.outcome(outcome));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "-", value = {
            "''                        | {\"value\":\"P1\"}",
            "-                         | {\"value\":\"P1\"}",
            "1.2.840.99                | {\"system\":\"urn:oid:1.2.840.99\",\"value\":\"P1\"}",
            "https://hospital.example/mrn | {\"system\":\"https://hospital.example/mrn\",\"value\":\"P1\"}",
            "HOSP                      | {\"assigner\":{\"display\":\"HOSP\"},\"value\":\"P1\"}" })
    void patientIdentifierSystemIsAUri(String issuer, String json) {
        assertEquals(json, FhirAuditEvents.patientIdentifier("P1", issuer).toString());
    }
}
