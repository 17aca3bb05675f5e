package io.dicomgate.consent;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.dicomgate.access.Caller;
import io.dicomgate.access.PatientRef;
import io.dicomgate.access.Roles;

/**
 * Which consents a caller may see, as one JPQL predicate used both for lists (before limit/offset)
 * and for single reads, so the two can never disagree. A caller with several roles sees the union.
 *
 * @param all consent-admin: every consent
 * @param self a patient: the consents about themself (null otherwise)
 * @param granteeUser a clinician: the permits in force that name their account as user grantee (null otherwise) —
 *        never a deny (which would show them the patient's wish to exclude them), nor a revoked,
 *        expired or future one
 * @param now the instant "in force" is judged at
 */
record ConsentVisibility(boolean all, PatientRef self, Caller granteeUser, Instant now) {

    static ConsentVisibility of(Caller caller, Instant now) {
        return new ConsentVisibility(caller.hasRole(Roles.CONSENT_ADMIN),
                caller.hasRole(Roles.PATIENT) ? caller.patient() : null,
                caller.hasRole(Roles.CLINICIAN) ? caller : null, now);
    }

    /**
     * Whether the caller sees the consent's free-text reasons: the patient it is about and
     * consent-admins do; a grantee sees only that a permit exists, not why.
     */
    boolean showsReasons(Consent c) {
        return all || (self != null && self.patientId().equals(c.patientId) && self.issuer().equals(c.issuer));
    }

    boolean none() {
        return !all && self == null && granteeUser == null;
    }

    /** The predicate over consent alias {@code c}; adds its named parameters to {@code params}. */
    String jpql(Map<String, Object> params) {
        if (all) {
            return "1 = 1";
        }
        List<String> any = new ArrayList<>();
        if (self != null) {
            any.add("(c.patientId = :visSelfId and c.issuer = :visSelfIssuer)");
            params.put("visSelfId", self.patientId());
            params.put("visSelfIssuer", self.issuer());
        }
        if (granteeUser != null) {
            // The account (sub); consents from before accounts were resolved match by username until the
            // start-up backfill has resolved them (AccessPolicy matches the same way).
            any.add("(c.granteeType = 'user' and (c.granteeSub = :visSub or (c.granteeSub is null and c.grantee = :visGrantee))"
                    + " and c.decision = 'permit' and c.status = 'active' and c.periodStart <= :visNow"
                    + " and (c.periodEnd is null or c.periodEnd > :visNow))");
            params.put("visSub", granteeUser.subject());
            params.put("visGrantee", String.valueOf(granteeUser.username()));
            params.put("visNow", now);
        }
        return any.isEmpty() ? "1 = 0" : "(" + String.join(" or ", any) + ")";
    }
}
