package io.dicomgate.consent;

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
 * @param granteeUser a clinician: the consents naming them as user grantee (null otherwise)
 */
record ConsentVisibility(boolean all, PatientRef self, String granteeUser) {

    static ConsentVisibility of(Caller caller) {
        return new ConsentVisibility(caller.hasRole(Roles.CONSENT_ADMIN),
                caller.hasRole(Roles.PATIENT) ? caller.patient() : null,
                caller.hasRole(Roles.CLINICIAN) ? caller.username() : null);
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
            any.add("(c.granteeType = 'user' and c.grantee = :visGrantee)");
            params.put("visGrantee", granteeUser);
        }
        return any.isEmpty() ? "1 = 0" : "(" + String.join(" or ", any) + ")";
    }
}
