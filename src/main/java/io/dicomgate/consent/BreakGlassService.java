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
import io.dicomgate.web.ConflictException;
import io.dicomgate.web.OperationForbiddenException;
import io.quarkus.security.ForbiddenException;

/**
 * Break-the-glass review: the auditors' queue of every grant that {@code access.BreakGlassGrants}
 * opened.
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
