package io.dicomgate.audit;

import java.util.LinkedHashSet;
import java.util.Set;

import jakarta.enterprise.context.RequestScoped;

import io.dicomgate.access.PatientRef;

/**
 * What the current request touched, filled in by the feature code as it learns it; turned into
 * {@link AuditEvent}s with the final HTTP status by {@link AuditResponseFilter}.
 */
@RequestScoped
public class AuditContext {

    private AuditAction action;
    private final Set<PatientRef> patients = new LinkedHashSet<>();
    private final java.util.Map<PatientRef, Set<String>> studies = new java.util.LinkedHashMap<>();
    private String studyUid;
    private String seriesUid;
    private String instanceUid;
    private String purposeOfUse;
    private String breakGlassReason;
    private String detail;
    private boolean hidden;
    private String requestId;

    @jakarta.inject.Inject
    jakarta.enterprise.inject.Instance<io.vertx.core.http.HttpServerRequest> http;

    /**
     * The request's id, stored with its audit records and echoed in {@code X-Request-Id}: the client's
     * own when it is plainly an id (never free text that could carry PHI), else a random UUID.
     */
    public String requestId() {
        if (requestId == null) {
            String given = http.isResolvable() ? http.get().getHeader(AuditResponseFilter.REQUEST_ID) : null;
            requestId = given != null && given.matches("[A-Za-z0-9._-]{8,64}") ? given
                    : java.util.UUID.randomUUID().toString();
        }
        return requestId;
    }

    /** The client's address as the connection shows it, or null. */
    public String sourceAddress() {
        var address = http.isResolvable() ? http.get().remoteAddress() : null;
        return address == null ? null : address.hostAddress();
    }

    public AuditContext action(AuditAction value) {
        this.action = value;
        return this;
    }

    public AuditContext patient(PatientRef patient) {
        if (patient != null) {
            patients.add(patient);
        }
        return this;
    }

    /** A patient and one of their studies touched, when a request spans several studies (STOW). */
    public AuditContext touch(PatientRef patient, String studyUid) {
        patient(patient);
        if (patient != null && studyUid != null) {
            studies.computeIfAbsent(patient, p -> new LinkedHashSet<>()).add(studyUid);
        }
        return this;
    }

    public AuditContext target(String study, String series, String instance) {
        this.studyUid = study;
        this.seriesUid = series;
        this.instanceUid = instance;
        return this;
    }

    public AuditContext breakGlass(String reason, String purpose) {
        this.breakGlassReason = reason;
        this.purposeOfUse = purpose;
        return this;
    }

    public AuditContext detail(String value) {
        this.detail = value;
        return this;
    }

    /** The request was refused for a patient the caller may not see, though answered as 404. */
    public AuditContext hidden() {
        this.hidden = true;
        return this;
    }

    AuditAction action() {
        return action;
    }

    /** The patients whose data the request touched, in the order it learned them. */
    public Set<PatientRef> patients() {
        return java.util.Collections.unmodifiableSet(patients);
    }

    /** Studies named with {@link #touch} for this patient; empty when none were. */
    Set<String> studiesOf(PatientRef patient) {
        return studies.getOrDefault(patient, Set.of());
    }

    String studyUid() {
        return studyUid;
    }

    String seriesUid() {
        return seriesUid;
    }

    String instanceUid() {
        return instanceUid;
    }

    String purposeOfUse() {
        return purposeOfUse;
    }

    String breakGlassReason() {
        return breakGlassReason;
    }

    String detail() {
        return detail;
    }

    boolean isHidden() {
        return hidden;
    }
}
