package io.dicomgate.wado;

import java.util.List;
import java.util.function.BooleanSupplier;

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
        RetrieveSelection.Result[] found = {selectAs(caller, request)};
        decide(request, caller, found[0].patient(), found[0].readable(),
                () -> (found[0] = selectAs(caller, request)).readable());
        if (found[0].instances().isEmpty()) {
            throw new ResourceNotFoundException();
        }
        return found[0].instances();
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
        decide(request, caller, study.patient(), study.readable(),
                () -> access.canRead(caller, Permission.READ, request.studyUid()));
    }

    private void target(RetrieveRequest request) {
        audit.action(AuditAction.RETRIEVE).target(request.studyUid(), request.seriesUid(), request.instanceUid());
    }

    private RetrieveSelection.Result selectAs(Caller caller, RetrieveRequest request) {
        return selection.select(access.readableFilter(caller, Permission.READ, false), request.studyUid(),
                request.seriesUid(), request.instanceUid()).orElseThrow(ResourceNotFoundException::new);
    }

    /**
     * Returns when the study is readable; else a clinician with {@code emergency-access} who sends a
     * break-the-glass reason opens a grant for this patient and the rule is asked again
     * ({@code readableNow}); anything else is hidden: {@link AccessDeniedException}.
     */
    private void decide(RetrieveRequest request, Caller caller, PatientRef patient, boolean readable,
            BooleanSupplier readableNow) {
        audit.patient(patient);
        if (readable) {
            return;
        }
        if (breakGlass.openIfRequested(caller, request.breakGlass(), patient)) {
            audit.breakGlass(request.breakGlass().reason(), request.breakGlass().purposeOfUse());
            if (readableNow.getAsBoolean()) {
                return;
            }
        }
        audit.hidden();
        throw new AccessDeniedException();
    }
}
