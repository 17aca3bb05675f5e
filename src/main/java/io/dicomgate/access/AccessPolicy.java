package io.dicomgate.access;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * The one place that decides which patients a caller may read. Deny unless a rule allows.
 *
 * <p>Today only {@code imaging-admin} reads; every other caller sees nothing. Per-patient rules
 * (self-access, consent, break-the-glass) plug in here without touching the search or retrieve code.
 */
@ApplicationScoped
public class AccessPolicy {

    /** Whether the caller may read data of this patient. */
    public boolean canRead(Caller caller, PatientRef patient) {
        return caller.hasRole(Roles.IMAGING_ADMIN);
    }

    /** Guard for retrieves: throws {@link AccessDeniedException} (answered as 404) unless readable. */
    public void requireRead(Caller caller, PatientRef patient) {
        if (!canRead(caller, patient)) {
            throw new AccessDeniedException();
        }
    }

    /**
     * The search restriction as SQL over the patient table.
     *
     * @param patientAlias alias of the {@code patient} table in the search query
     */
    public SqlFilter readableFilter(Caller caller, String patientAlias) {
        return caller.hasRole(Roles.IMAGING_ADMIN) ? SqlFilter.ALL : SqlFilter.NONE;
    }
}
