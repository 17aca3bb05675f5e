package io.dicomgate.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.time.Instant;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The hash chain's canonical form: every field counts, nothing can be shifted between fields. */
class AuditChainTest {

    static final AuditEvent BASE = new AuditEvent(Instant.parse("2025-03-01T10:15:30.123456Z"), "req-00000001",
            "sub-1", "alice", "viewer", Set.of("clinician", "emergency-access"), "10.0.0.1", AuditAction.RETRIEVE,
            "PAT-1", "", "1.2.3", "1.2.3.4", "1.2.3.4.5", AuditOutcome.SUCCESS, 200, "ETREAT", "trauma bay", null);

    static AuditEvent with(UnaryOperator<Object[]> change) {
        Object[] f = { BASE.time(), BASE.requestId(), BASE.subject(), BASE.username(), BASE.clientId(), BASE.roles(),
                BASE.sourceAddress(), BASE.action(), BASE.patientId(), BASE.issuer(), BASE.studyUid(), BASE.seriesUid(),
                BASE.instanceUid(), BASE.outcome(), BASE.httpStatus(), BASE.purposeOfUse(), BASE.breakGlassReason(),
                BASE.detail() };
        f = change.apply(f);
        @SuppressWarnings("unchecked")
        Set<String> roles = (Set<String>) f[5];
        return new AuditEvent((Instant) f[0], (String) f[1], (String) f[2], (String) f[3], (String) f[4], roles,
                (String) f[6], (AuditAction) f[7], (String) f[8], (String) f[9], (String) f[10], (String) f[11],
                (String) f[12], (AuditOutcome) f[13], (Integer) f[14], (String) f[15], (String) f[16], (String) f[17]);
    }

    static UnaryOperator<Object[]> set(int index, Object value) {
        return f -> {
            f[index] = value;
            return f;
        };
    }

    static Stream<Arguments> changes() {
        return Stream.of(
                Arguments.of("time +1 µs", set(0, BASE.time().plusNanos(1000))),
                Arguments.of("request id", set(1, "req-00000002")),
                Arguments.of("subject", set(2, "sub-2")),
                Arguments.of("username", set(3, "mallory")),
                Arguments.of("client", set(4, "other")),
                Arguments.of("roles", set(5, Set.of("clinician"))),
                Arguments.of("address", set(6, "10.0.0.2")),
                Arguments.of("action", set(7, AuditAction.SEARCH)),
                Arguments.of("patient", set(8, "PAT-2")),
                Arguments.of("issuer '' -> null", set(9, null)),
                Arguments.of("study", set(10, "1.2.4")),
                Arguments.of("series", set(11, null)),
                Arguments.of("instance", set(12, "1.2.3.4.6")),
                Arguments.of("outcome", set(13, AuditOutcome.DENIED)),
                Arguments.of("status", set(14, 404)),
                Arguments.of("purpose", set(15, null)),
                Arguments.of("reason", set(16, "trauma bay ")),
                Arguments.of("detail null -> ''", set(17, "")),
                // a value moved across a field boundary must not hash alike
                Arguments.of("shifted boundary", (UnaryOperator<Object[]>) f -> {
                    f[10] = "1.2.31.2.3.4";
                    f[11] = "";
                    return f;
                }));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("changes")
    void everyFieldChangesTheHash(String what, UnaryOperator<Object[]> change) {
        assertNotEquals(AuditChain.hash(AuditChain.GENESIS, 7, BASE), AuditChain.hash(AuditChain.GENESIS, 7, with(change)));
    }

    @Test
    void seqAndPreviousHashChangeTheHash() {
        String h = AuditChain.hash(AuditChain.GENESIS, 7, BASE);
        assertNotEquals(h, AuditChain.hash(AuditChain.GENESIS, 8, BASE));
        assertNotEquals(h, AuditChain.hash("1" + AuditChain.GENESIS.substring(1), 7, BASE));
    }

    @Test
    void hashIsStableHexAndIndependentOfRoleOrder() {
        String h = AuditChain.hash(AuditChain.GENESIS, 7, BASE);
        assertEquals(64, h.length());
        assertEquals(h, AuditChain.hash(AuditChain.GENESIS, 7,
                with(set(5, new java.util.LinkedHashSet<>(java.util.List.of("emergency-access", "clinician"))))));
    }

    @Test
    void storedTimeKeepsMicroseconds() {
        Instant t = Instant.parse("2025-03-01T10:15:30.123456789Z");
        assertEquals(Instant.parse("2025-03-01T10:15:30.123456Z"), AuditChain.storedTime(t));
    }
}
