package io.dicomgate.audit;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import jakarta.enterprise.context.RequestScoped;

import io.dicomgate.access.Caller;
import io.dicomgate.access.PatientRef;

/**
 * What the current request touched, filled in by the feature code as it learns it; turned into
 * {@link AuditEvent}s with the final HTTP status by {@link AuditResponseFilter}. Work that arrives
 * outside HTTP (an import, a DIMSE association) uses a {@link #detached} context of its own.
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
    private String detachedAddress;
    private boolean detached;

    /**
     * A context for a unit of work that is not an HTTP request (import batch, DIMSE C-STORE): its own
     * request id, the peer's address (or null), and {@link #events} to turn it into audit events.
     */
    public static AuditContext detached(AuditAction action, String sourceAddress) {
        AuditContext context = new AuditContext();
        context.detached = true;
        context.detachedAddress = sourceAddress;
        context.requestId = java.util.UUID.randomUUID().toString();
        context.action = action;
        return context;
    }

    @jakarta.inject.Inject
    jakarta.enterprise.inject.Instance<io.vertx.core.http.HttpServerRequest> http;

    /**
     * The request's id, stored with its audit records and echoed in {@code X-Request-Id}: the client's
     * own when it is plainly an id (never free text that could carry PHI), else a random UUID.
     */
    public String requestId() {
        if (requestId == null) {
            String given = !detached && http.isResolvable() ? http.get().getHeader(AuditResponseFilter.REQUEST_ID) : null;
            requestId = given != null && given.matches("[A-Za-z0-9._-]{8,64}") ? given
                    : java.util.UUID.randomUUID().toString();
        }
        return requestId;
    }

    /** The client's address as the connection shows it, or null. */
    public String sourceAddress() {
        if (detached) {
            return detachedAddress;
        }
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

    /**
     * The audit events of this request once its status is known: one per patient touched, or per patient
     * and study when the request spans studies (STOW, imports); one without a patient when none was
     * touched. {@code study}/{@code series}/{@code instance} are the request's target when the feature
     * named none ({@link #target}).
     */
    public List<AuditEvent> events(Caller who, int status, String study, String series, String instance) {
        String targetStudy = studyUid != null ? studyUid : study;
        String targetSeries = studyUid != null ? seriesUid : series;
        String targetInstance = studyUid != null ? instanceUid : instance;
        List<PatientRef> touched = patients.isEmpty() ? Collections.singletonList(null) : List.copyOf(patients);
        AuditOutcome outcome = outcome(status);
        Instant now = Instant.now();
        List<AuditEvent> batch = new ArrayList<>(touched.size());
        for (PatientRef patient : touched) {
            Set<String> ofPatient = patient == null ? Set.of() : studiesOf(patient);
            List<String> studyUids = ofPatient.isEmpty() ? Collections.singletonList(targetStudy) : List.copyOf(ofPatient);
            for (String each : studyUids) {
                boolean sameStudy = Objects.equals(each, targetStudy);
                batch.add(new AuditEvent(now, requestId(), who.subject(), who.username(), who.clientId(),
                        Set.copyOf(who.roles()), sourceAddress(), action,
                        patient == null ? null : patient.patientId(), patient == null ? null : patient.issuer(),
                        each, sameStudy ? targetSeries : null, sameStudy ? targetInstance : null, outcome, status,
                        purposeOfUse, breakGlassReason, detail));
            }
        }
        return batch;
    }

    private AuditOutcome outcome(int status) {
        if (status < 400) {
            return AuditOutcome.SUCCESS;
        }
        if (status == 403 || status == 429 || (status == 404 && hidden)) {
            return AuditOutcome.DENIED;
        }
        if (status == 404) {
            return AuditOutcome.NOT_FOUND;
        }
        return status < 500 ? AuditOutcome.INVALID_REQUEST : AuditOutcome.FAILURE;
    }
}
