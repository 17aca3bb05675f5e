package io.dicomgate.consent;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import io.dicomgate.access.AccessDeniedException;
import io.dicomgate.access.Caller;
import io.dicomgate.access.PatientRef;
import io.dicomgate.access.Roles;
import io.dicomgate.audit.AuditContext;
import io.dicomgate.dicom.InvalidRequestException;
import io.dicomgate.dicom.ResourceNotFoundException;
import io.dicomgate.web.ConflictException;
import io.dicomgate.web.OperationForbiddenException;

/**
 * Creates, reads and revokes consents (FHIR R4 Consent). Who may write: a patient for themself, a
 * consent-admin for anyone. Who may read: see {@link ConsentVisibility}. A consent the caller may
 * not see is answered exactly like one that does not exist.
 */
@ApplicationScoped
public class ConsentService {

    static final String OWN_ONLY = "patients manage only their own consents";

    private final ConsentRepository consents;
    private final AuditContext audit;
    private final UserDirectory directory;

    public ConsentService(ConsentRepository consents, AuditContext audit, UserDirectory directory) {
        this.consents = consents;
        this.audit = audit;
        this.directory = directory;
    }

    @Transactional
    public ConsentView create(Caller caller, ConsentRequest request) {
        Instant now = now();
        Instant start = request.start() != null ? request.start() : now;
        if (request.end() != null && !request.end().isAfter(start)) {
            throw new InvalidRequestException("end must be after start");
        }
        if (request.end() != null && !request.end().isAfter(now)) {
            throw new InvalidRequestException("end must be in the future");
        }
        PatientRef patient = patientToWrite(caller, request);
        audit.patient(patient);
        Consent c = new Consent();
        c.id = UUID.randomUUID();
        c.patientId = patient.patientId();
        c.issuer = patient.issuer();
        c.granteeType = request.granteeType();
        c.grantee = request.granteeId();
        if (Consent.GRANTEE_USER.equals(c.granteeType)) {
            // Bound to the account the username names today: a later rename or a new account with the
            // same username does not inherit it.
            DirectoryUser user = directory.findByUsername(request.granteeId()).orElseThrow(
                    () -> new InvalidRequestException("grantee.id names no user account"));
            c.grantee = user.username();
            c.granteeSub = user.subject();
            c.granteeName = user.displayName();
        }
        c.decision = request.decision();
        c.allStudies = request.studies().isEmpty();
        c.studies.addAll(request.studies());
        c.periodStart = start;
        c.periodEnd = request.end();
        c.status = Consent.STATUS_ACTIVE;
        c.reason = request.reason();
        c.createdBy = caller.username();
        c.createdAt = now;
        consents.persist(c);
        audit.detail("consent " + c.id);
        return ConsentView.of(c, now, true);
    }

    @Transactional
    public ConsentView get(Caller caller, UUID id) {
        Instant now = now();
        ConsentVisibility visibility = ConsentVisibility.of(caller, now);
        Consent c = visible(caller, id, visibility, false);
        return ConsentView.of(c, now, visibility.showsReasons(c));
    }

    @Transactional
    public List<ConsentView> list(Caller caller, ConsentQuery query) {
        Instant now = now();
        ConsentVisibility visibility = ConsentVisibility.of(caller, now);
        List<Consent> page = consents.search(visibility, query, now);
        page.forEach(c -> audit.patient(new PatientRef(c.patientId, c.issuer)));
        return page.stream().map(c -> ConsentView.of(c, now, visibility.showsReasons(c))).toList();
    }

    /** Revoking twice is refused (409): the first revocation's who, when and why stay as recorded. */
    @Transactional
    public ConsentView revoke(Caller caller, UUID id, String reason) {
        Instant now = now();
        Consent c = visible(caller, id, ConsentVisibility.of(caller, now), true);
        audit.detail("consent " + c.id);
        if (!caller.hasRole(Roles.CONSENT_ADMIN) && !isOwn(caller, c)) {
            // Visible but not theirs to revoke, e.g. a clinician who is also a patient.
            throw new OperationForbiddenException(OWN_ONLY);
        }
        if (Consent.STATUS_REVOKED.equals(c.status)) {
            throw new ConflictException("consent already revoked");
        }
        c.status = Consent.STATUS_REVOKED;
        c.revokedBy = caller.username();
        c.revokedAt = now;
        c.revokeReason = reason;
        return ConsentView.of(c, now, true);
    }

    /** The consent if it exists and the caller may see it; otherwise the one 404 for both cases. */
    private Consent visible(Caller caller, UUID id, ConsentVisibility visibility, boolean forUpdate) {
        if (id == null) {
            throw new ResourceNotFoundException();
        }
        ConsentRepository.Lookup found = consents.lookup(id, visibility).orElseThrow(ResourceNotFoundException::new);
        if (!found.visible()) {
            audit.patient(found.patient()).hidden();
            throw new AccessDeniedException();
        }
        audit.patient(found.patient());
        return (forUpdate ? consents.findByUuidForUpdate(id) : consents.findByUuid(id))
                .orElseThrow(ResourceNotFoundException::new);
    }

    private PatientRef patientToWrite(Caller caller, ConsentRequest request) {
        if (caller.hasRole(Roles.CONSENT_ADMIN)) {
            if (request.patientId() == null) {
                throw new InvalidRequestException("patientId is required");
            }
            return new PatientRef(request.patientId(), request.issuer() == null ? "" : request.issuer());
        }
        PatientRef self = caller.hasRole(Roles.PATIENT) ? caller.patient() : null;
        if (self == null) {
            throw new OperationForbiddenException(OWN_ONLY);
        }
        if ((request.patientId() != null && !request.patientId().equals(self.patientId()))
                || (request.issuer() != null && !request.issuer().equals(self.issuer()))) {
            // Recorded as a denial for the patient asked for: probing shows in the audit trail.
            audit.patient(new PatientRef(request.patientId() != null ? request.patientId() : self.patientId(),
                    request.issuer() != null ? request.issuer() : self.issuer()));
            throw new OperationForbiddenException(OWN_ONLY);
        }
        return self;
    }

    private static boolean isOwn(Caller caller, Consent c) {
        PatientRef self = caller.hasRole(Roles.PATIENT) ? caller.patient() : null;
        return self != null && self.patientId().equals(c.patientId) && self.issuer().equals(c.issuer);
    }

    /** PostgreSQL keeps microseconds; truncating makes every answer equal what a later read returns. */
    static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }
}
