package io.dicomgate.wado;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.dicomgate.access.AccessDeniedException;
import io.dicomgate.access.AccessPolicy;
import io.dicomgate.access.BreakGlassGrants;
import io.dicomgate.access.Caller;
import io.dicomgate.access.PatientRef;
import io.dicomgate.access.Scopes.Permission;
import io.dicomgate.audit.AuditAction;
import io.dicomgate.audit.AuditContext;
import io.dicomgate.dicom.ResourceNotFoundException;
import io.dicomgate.index.Instance;

/**
 * The access guard of every WADO-RS retrieve (PS3.18 §10.4): who may read the addressed study, asked
 * before any instance is looked up, and the audit context filled in as it learns the patient.
 */
@ApplicationScoped
public class RetrieveGuard {

    private final AccessPolicy access;
    private final BreakGlassGrants breakGlass;
    private final AuditContext audit;
    private final RetrieveSelection selection;

    public RetrieveGuard(AccessPolicy access, BreakGlassGrants breakGlass, AuditContext audit,
            RetrieveSelection selection) {
        this.access = access;
        this.breakGlass = breakGlass;
        this.audit = audit;
        this.selection = selection;
    }

    /**
     * The instances the request addresses, after the same decision as {@link #requireStudy}, asked in
     * the same statement as the instance lookup ({@link RetrieveSelection}). Unknown, hidden, and
     * readable without a matching series or instance all end in {@link ResourceNotFoundException} (or
     * {@link AccessDeniedException}, answered alike).
     */
    List<Instance> select(RetrieveRequest request, Caller caller) {
        target(request);
        RetrieveSelection.Result found = selectAs(caller, request);
        if (decide(request, caller, found.patient(), found.readable())) {
            found = selectAs(caller, request);
            requireReadable(found.readable());
        }
        if (found.instances().isEmpty()) {
            throw new ResourceNotFoundException();
        }
        return found.instances();
    }

    /**
     * Resolves the study's patient and asks the access policy — for an unknown study too, so both cost
     * the same queries; a refusal is thrown as {@link AccessDeniedException}, answered exactly like an
     * unknown study.
     */
    void requireStudy(RetrieveRequest request, Caller caller) {
        target(request);
        // One query of one shape for every UID: response time does not tell hidden from unknown either.
        AccessPolicy.StudyAccess study = access.studyAccess(caller, Permission.READ, request.studyUid())
                .orElseThrow(ResourceNotFoundException::new);
        if (decide(request, caller, study.patient(), study.readable())) {
            requireReadable(access.canRead(caller, Permission.READ, request.studyUid()));
        }
    }

    private void target(RetrieveRequest request) {
        audit.action(AuditAction.RETRIEVE).target(request.studyUid(), request.seriesUid(), request.instanceUid());
    }

    private RetrieveSelection.Result selectAs(Caller caller, RetrieveRequest request) {
        return selection.select(access.readableFilter(caller, Permission.READ, false), request.studyUid(),
                request.seriesUid(), request.instanceUid()).orElseThrow(ResourceNotFoundException::new);
    }

    /**
     * Returns false when the study is readable. When it is not, a clinician with {@code emergency-access}
     * who sends a break-the-glass reason opens a grant for this patient and this returns true: the
     * caller asks the rule again and passes the answer to {@link #requireReadable}. Anything else is
     * hidden: {@link AccessDeniedException}.
     */
    private boolean decide(RetrieveRequest request, Caller caller, PatientRef patient, boolean readable) {
        audit.patient(patient);
        if (readable) {
            return false;
        }
        if (!breakGlass.openIfRequested(caller, request.breakGlass(), patient)) {
            throw hidden();
        }
        audit.breakGlass(request.breakGlass().reason(), request.breakGlass().purposeOfUse());
        return true;
    }

    private void requireReadable(boolean readable) {
        if (!readable) {
            throw hidden();
        }
    }

    /** Recorded as hidden; answered exactly like an unknown study. */
    private AccessDeniedException hidden() {
        audit.hidden();
        return new AccessDeniedException();
    }
}
