package io.dicomgate.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.EnumSet;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The BALP vocabulary mapping, as a table. */
class FhirAuditEventsTest {

    @ParameterizedTest
    @CsvSource({
            "SEARCH,           110112,      search-type, E",
            "RETRIEVE,         110106,      read,        R",
            "STORE,            110107,      create,      C",
            "CONSENT_CREATE,   rest,        create,      C",
            "CONSENT_REVOKE,   rest,        update,      U",
            "CONSENT_READ,     rest,        search-type, E",
            "BREAK_GLASS,      rest,        create,      C",
            "BREAK_GLASS_REVIEW, rest,      update,      U",
            "BREAK_GLASS_READ, rest,        search-type, E",
            "AUDIT_READ,       rest,        search-type, E",
            "ACCESS_LOG_READ,  rest,        search-type, E" })
    void typeSubtypeAndAction(AuditAction action, String type, String interaction, String code) {
        FhirAuditEvents.Kind kind = FhirAuditEvents.kind(action);
        assertEquals(type, kind.typeCode());
        assertEquals(type.equals("rest") ? FhirAuditEvents.EVENT_TYPE : FhirAuditEvents.DCM, kind.typeSystem());
        assertEquals(interaction, kind.interaction());
        assertEquals(code, kind.action());
    }

    @Test
    void everyActionIsMapped() {
        EnumSet.allOf(AuditAction.class).forEach(FhirAuditEvents::kind);
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
