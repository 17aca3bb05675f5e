package io.dicomgate.consent;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import jakarta.transaction.Transactional.TxType;

import io.dicomgate.access.AccessPolicy;
import io.dicomgate.access.BreakGlassConfig;
import io.dicomgate.access.Caller;
import io.dicomgate.access.PatientRef;
import io.dicomgate.audit.AuditContext;
import io.dicomgate.dicom.InvalidRequestException;
import io.dicomgate.dicom.ResourceNotFoundException;
import io.quarkus.security.ForbiddenException;

/**
 * Break-the-glass: opening a time-boxed grant (called by the access layer when a clinician with
 * {@code emergency-access} sends a reason) and the auditors' review of every grant.
 */
@ApplicationScoped
public class BreakGlassService {

    static final int MAX_REASON = 1000;
    static final int MAX_COMMENT = 2000;

    private final BreakGlassRepository grants;
    private final BreakGlassConfig config;
    private final AuditContext audit;
    private final AccessPolicy access;

    public BreakGlassService(BreakGlassRepository grants, BreakGlassConfig config, AuditContext audit,
            AccessPolicy access) {
        this.grants = grants;
        this.config = config;
        this.audit = audit;
        this.access = access;
    }

    /** {@link #open(Caller, PatientRef, String, String, Duration)} with the configured time box. */
    public BreakGlassGrant open(Caller caller, PatientRef patient, String reason, String purposeOfUse) {
        return open(caller, patient, reason, purposeOfUse, config.timeBox());
    }

    /**
     * Records a new grant for this caller and patient, valid from now for {@code timeBox}. Every call
     * inserts a row, even while an earlier grant still runs, so that every use is reviewed. Committed
     * in its own transaction: the grant stays on record even if the request that opened it fails.
     *
     * @param reason the clinician's stated reason (required, at most 1000 characters; may hold PHI)
     * @param purposeOfUse a purpose-of-use code (e.g. {@code ETREAT}), or null
     * @param timeBox how long the grant lasts; null for the configured {@code dicomgate.break-glass.time-box}
     * @throws ForbiddenException unless {@link AccessPolicy#mayBreakGlass} (clinician, emergency-access, user scope)
     * @throws InvalidRequestException if reason or purpose is missing or too long
     */
    @Transactional(TxType.REQUIRES_NEW)
    public BreakGlassGrant open(Caller caller, PatientRef patient, String reason, String purposeOfUse,
            Duration timeBox) {
        if (!access.mayBreakGlass(caller)) {
            throw new ForbiddenException();
        }
        if (patient == null || patient.patientId() == null || patient.patientId().isBlank()) {
            throw new IllegalArgumentException("patient required");
        }
        if (reason == null || reason.isBlank()) {
            throw new InvalidRequestException("a break-the-glass reason is required");
        }
        if (reason.length() > MAX_REASON) {
            throw new InvalidRequestException("the break-the-glass reason must be at most " + MAX_REASON + " characters");
        }
        if (purposeOfUse != null && !purposeOfUse.matches("[A-Za-z0-9._-]{1,64}")) {
            throw new InvalidRequestException("purpose of use must be a code of at most 64 letters, digits, '.', '_' or '-'");
        }
        Duration box = timeBox != null ? timeBox : config.timeBox();
        if (box.isNegative() || box.isZero()) {
            throw new IllegalArgumentException("time box must be positive");
        }
        Instant now = ConsentService.now();
        BreakGlass b = new BreakGlass();
        b.id = UUID.randomUUID();
        b.subject = caller.subject();
        b.username = caller.username();
        b.clientId = caller.clientId();
        b.patientId = patient.patientId();
        b.issuer = patient.issuer() == null ? "" : patient.issuer();
        b.reason = reason.strip();
        b.purposeOfUse = purposeOfUse;
        b.createdAt = now;
        b.expiresAt = now.plus(box);
        grants.persist(b);
        return BreakGlassGrant.of(b);
    }

    @Transactional
    public List<BreakGlassGrant> list(BreakGlassQuery query) {
        List<BreakGlass> page = grants.search(query);
        page.forEach(b -> audit.patient(new PatientRef(b.patientId, b.issuer)));
        return page.stream().map(BreakGlassGrant::of).toList();
    }

    @Transactional
    public BreakGlassGrant get(UUID id) {
        return BreakGlassGrant.of(find(id, false));
    }

    /**
     * Marks the grant reviewed, once. A second review is refused (409) so the first reviewer's
     * verdict stands; an auditor may not review their own grant (403).
     */
    @Transactional
    public BreakGlassGrant review(Caller caller, UUID id, String comment) {
        if (comment == null || comment.isBlank()) {
            throw new InvalidRequestException("comment is required");
        }
        if (comment.length() > MAX_COMMENT) {
            throw new InvalidRequestException("comment must be at most " + MAX_COMMENT + " characters");
        }
        BreakGlass b = find(id, true);
        if (b.subject.equals(caller.subject()) || b.username.equals(caller.username())) {
            throw new OperationForbiddenException("a break-the-glass grant is reviewed by someone other than its user");
        }
        if (b.reviewedAt != null) {
            throw new ConflictException("grant already reviewed");
        }
        b.reviewedAt = ConsentService.now();
        b.reviewedBy = caller.username();
        b.reviewComment = comment;
        return BreakGlassGrant.of(b);
    }

    private BreakGlass find(UUID id, boolean forUpdate) {
        if (id == null) {
            throw new ResourceNotFoundException();
        }
        BreakGlass b = (forUpdate ? grants.findByUuidForUpdate(id) : grants.findByUuid(id))
                .orElseThrow(ResourceNotFoundException::new);
        audit.patient(new PatientRef(b.patientId, b.issuer)).detail("break-glass " + b.id);
        return b;
    }
}
