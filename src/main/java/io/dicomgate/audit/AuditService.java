package io.dicomgate.audit;

import java.net.URI;
import java.sql.SQLException;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.dicomgate.access.Caller;
import io.dicomgate.access.PatientRef;
import io.quarkus.security.ForbiddenException;

/**
 * Reading the audit trail: the FHIR export and chain check for auditors, a patient's own access log.
 * Each read is itself audited through the request's {@link AuditContext}.
 */
@ApplicationScoped
public class AuditService {

    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 500;

    private final AuditLogRepository log;
    private final AuditChainVerifier verifier;
    private final AuditContext audit;
    private final ObjectMapper json;

    public AuditService(AuditLogRepository log, AuditChainVerifier verifier, AuditContext audit, ObjectMapper json) {
        this.log = log;
        this.verifier = verifier;
        this.audit = audit;
        this.json = json;
    }

    /**
     * One page of the export as a FHIR searchset Bundle (JSON text). A search for one patient is
     * recorded against that patient, so it shows in their access log.
     *
     * @param requestUri the request as the client sent it, for the self and next links
     */
    public String export(AuditFilter filter, URI requestUri) {
        audit.action(AuditAction.AUDIT_READ).detail("export");
        if (filter.patientId() != null) {
            audit.patient(new PatientRef(filter.patientId(), filter.issuer() == null ? "" : filter.issuer()));
        }
        List<AuditEntry> page;
        try {
            page = log.search(filter);
        } catch (SQLException e) {
            throw new AuditStoreException(e);
        }
        String next = page.size() < filter.count() ? null
                : withAfter(requestUri, page.get(page.size() - 1).seq());
        try {
            return json.writeValueAsString(FhirAuditEvents.bundle(page, requestUri.toString(), next));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public AuditChainVerifier.Result verify() {
        audit.action(AuditAction.AUDIT_READ).detail("verify");
        return verifier.verify();
    }

    /**
     * Every recorded access to the caller's own patient data, newest first. The caller's own readings
     * of this list are recorded but not listed.
     *
     * @throws ForbiddenException when the token names no patient
     */
    public List<AccessLogEntry> accessLog(Caller caller, String limit, String offset) {
        OwnPage page = ownPage(caller, limit, offset);
        try {
            return log.accessesTo(page.self(), page.limit(), page.offset()).stream().map(AccessLogEntry::of).toList();
        } catch (SQLException e) {
            throw new AuditStoreException(e);
        }
    }

    /**
     * The caller's accesses grouped (who, application, study, action; first and last time, count,
     * break-the-glass, refusals), latest first, paged.
     *
     * @throws ForbiddenException when the token names no patient
     */
    public List<AccessSummary> accessSummary(Caller caller, String limit, String offset) {
        OwnPage page = ownPage(caller, limit, offset);
        try {
            return log.accessSummary(page.self(), page.limit(), page.offset());
        } catch (SQLException e) {
            throw new AuditStoreException(e);
        }
    }

    private record OwnPage(PatientRef self, int limit, long offset) {
    }

    /** The caller's own patient (audited as read) and the page asked for; 403 without a patient. */
    private OwnPage ownPage(Caller caller, String limit, String offset) {
        audit.action(AuditAction.ACCESS_LOG_READ);
        PatientRef self = caller.patient();
        if (self == null) {
            throw new ForbiddenException();
        }
        audit.patient(self);
        int n = limit == null ? DEFAULT_LIMIT : (int) AuditFilter.number("limit", limit, 1, MAX_LIMIT);
        long skip = offset == null ? 0 : AuditFilter.number("offset", offset, 0, Integer.MAX_VALUE);
        return new OwnPage(self, n, skip);
    }

    private static String withAfter(URI uri, long seq) {
        String query = uri.getRawQuery() == null ? "" : uri.getRawQuery();
        StringBuilder kept = new StringBuilder();
        for (String part : query.split("&")) {
            if (!part.isEmpty() && !part.startsWith("_after=")) {
                kept.append(part).append('&');
            }
        }
        kept.append("_after=").append(seq);
        String base = uri.toString();
        int q = base.indexOf('?');
        return (q < 0 ? base : base.substring(0, q)) + "?" + kept;
    }
}
