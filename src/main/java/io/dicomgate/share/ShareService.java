package io.dicomgate.share;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;

import io.dicomgate.access.AccessPolicy;
import io.dicomgate.access.Caller;
import io.dicomgate.access.PatientRef;
import io.dicomgate.access.Roles;
import io.dicomgate.access.Scopes.Permission;
import io.dicomgate.access.ShareGrant;
import io.dicomgate.audit.AuditAction;
import io.dicomgate.audit.AuditBatch;
import io.dicomgate.audit.AuditContext;
import io.dicomgate.audit.AuditEvent;
import io.dicomgate.audit.AuditOutcome;
import io.dicomgate.dicom.InvalidRequestException;
import io.dicomgate.dicom.ResourceNotFoundException;
import io.dicomgate.storage.Sha256;
import io.dicomgate.web.OperationForbiddenException;
import io.dicomgate.web.TooManyRequestsException;

/**
 * Share links (README "Share links"): who may share what, for how long, and the exchange of a
 * link and its PIN for an access token.
 *
 * <p>A patient shares their own studies (or all of them); a clinician, or a system client with
 * {@code share-issuer}, shares studies it may read right now, naming the recipient and a reason.
 * Nobody shares what they may not see: a study the creator cannot read answers 404 like one that
 * does not exist. A share lives at most {@code dicomgate.share.max-life}; it cannot be extended.
 */
@ApplicationScoped
public class ShareService {

    /** What an exchange answers: its HTTP status and JSON body. */
    public record Exchange(int status, Map<String, Object> body) {
    }

    /** The scope a system client's token needs to create share links, with the role share-issuer. */
    static final String SYSTEM_SCOPE = "system/ShareLink.c";

    private final ShareRepository shares;
    private final AccessPolicy access;
    private final ShareConfig config;
    private final ExchangeLimiter limiter;
    private final AuditContext audit;
    private final Event<AuditBatch> events;

    public ShareService(ShareRepository shares, AccessPolicy access, ShareConfig config, ExchangeLimiter limiter,
            AuditContext audit, Event<AuditBatch> events) {
        this.shares = shares;
        this.access = access;
        this.config = config;
        this.limiter = limiter;
        this.audit = audit;
        this.events = events;
    }

    /** Creates a share; {@code appUrl} is where dicomgate is reached (the link points at its {@code /share/} page). */
    public ShareView.Created create(Caller caller, ShareRequest request, String appUrl) {
        String kind = creatorKind(caller);
        if (!kind.equals("patient") && request.allStudies()) {
            throw new InvalidRequestException("a clinician's or a system's share names its studies");
        }
        if (!kind.equals("patient") && (request.reason() == null || request.reason().isBlank())) {
            throw new InvalidRequestException("reason is required");
        }
        PatientRef patient = request.allStudies() ? caller.patient() : patientOf(caller, request.studies());
        if (kind.equals("patient") && !patient.equals(caller.patient())) {
            throw new ResourceNotFoundException();
        }
        audit.patient(patient);
        Instant now = Instant.now();
        Instant expires = request.expiresAt() == null ? now.plus(config.defaultLife()) : request.expiresAt();
        if (!expires.isAfter(now)) {
            throw new InvalidRequestException("expiresAt must be in the future");
        }
        if (expires.isAfter(now.plus(config.maxLife()).plusSeconds(60))) {
            throw new InvalidRequestException("a share lives at most " + config.maxLife().toDays() + " days");
        }
        String secret = ShareSecrets.newSecret();
        String pin = ShareSecrets.newPin();
        byte[] salt = ShareSecrets.newSalt();
        ShareLink link = new ShareLink(UUID.randomUUID(), patient.patientId(), patient.issuer(), request.allStudies(),
                request.studies(), request.label(), request.reason(), request.download(), kind, caller.subject(),
                caller.username(), now, expires, null, 0, null, null, salt, ShareSecrets.pinHash(pin, salt), 0);
        shares.insert(link, Sha256.of(secret));
        audit.detail("share " + link.id());
        // The secret rides in the fragment: browsers send neither it nor the page's address with it anywhere.
        return new ShareView.Created(ShareView.of(link, now), appUrl + "/share/#" + secret, pin);
    }

    /** A patient's shares of their own data (by anyone); anybody else's the ones they created. */
    public List<ShareView> list(Caller caller) {
        creatorKind(caller);
        Instant now = Instant.now();
        List<ShareLink> links = caller.hasRole(Roles.PATIENT) && caller.patient() != null
                ? shares.byPatient(caller.patient().patientId(), caller.patient().issuer())
                : shares.byCreator(caller.subject());
        return links.stream().map(l -> ShareView.of(l, now)).toList();
    }

    /** Revokes a share its creator made, or one of the caller's own patient data; any other is 404. */
    public ShareView revoke(Caller caller, UUID id) {
        creatorKind(caller);
        ShareLink link = Optional.ofNullable(id).flatMap(shares::byId).filter(l -> mayManage(caller, l))
                .orElseThrow(ResourceNotFoundException::new);
        audit.patient(new PatientRef(link.patientId(), link.issuer()));
        audit.detail("share " + link.id());
        shares.revoke(link.id());
        return ShareView.of(shares.byId(link.id()).orElseThrow(), Instant.now());
    }

    /**
     * Exchanges a link's secret and PIN for an access token (the recipient's session): 200 with the
     * token, 401 for a wrong PIN (with the attempts left), 423 once the share locked, 410 for a revoked
     * or expired share, 404 for an unknown link, 429 when the address or the share tries too often.
     * Every attempt on a known share is audited against its patient.
     */
    public Exchange exchange(String secret, String pin) {
        String address = audit.sourceAddress();
        if (!limiter.allowAddress(address)) {
            throw new TooManyRequestsException("too many attempts from this address; wait a minute", 60);
        }
        Optional<ShareLink> found = secret == null || !secret.matches("[A-Za-z0-9_-]{43}") ? Optional.empty()
                : shares.bySecretHash(Sha256.of(secret));
        if (found.isEmpty()) {
            return new Exchange(404, Map.of("error", "unknown", "message", "This link does not exist."));
        }
        ShareLink link = found.get();
        if (!limiter.allowShare(link.id().toString())) {
            throw new TooManyRequestsException("too many attempts for this link; wait a minute", 60);
        }
        Instant now = Instant.now();
        String status = link.status(now);
        if (!status.equals("active")) {
            int code = status.equals("locked") ? 423 : 410;
            record(link, AuditOutcome.DENIED, code, "share " + link.id() + " " + status);
            return new Exchange(code, Map.of("error", status, "message", switch (status) {
                case "revoked" -> "This link was revoked by the person who shared it.";
                case "locked" -> "This link is locked after too many wrong PINs; ask for a new one.";
                default -> "This link has expired.";
            }));
        }
        if (pin == null || !pin.matches("[0-9]{4,12}") || !ShareSecrets.pinMatches(pin, link.pinSalt(), link.pinHash())) {
            int failures = shares.pinFailed(link.id(), config.maxPinFailures());
            boolean locked = failures >= config.maxPinFailures();
            record(link, AuditOutcome.DENIED, locked ? 423 : 401, "share " + link.id() + " wrong PIN (" + failures + " of "
                    + config.maxPinFailures() + ")" + (locked ? ", locked" : ""));
            return locked ? new Exchange(423, Map.of("error", "locked", "message",
                    "This link is locked after too many wrong PINs; ask for a new one."))
                    : new Exchange(401, Map.of("error", "wrong_pin", "message", "Wrong PIN.", "attemptsLeft",
                            config.maxPinFailures() - failures));
        }
        String token = ShareSecrets.newToken();
        Instant expires = now.plus(config.sessionLife());
        if (expires.isAfter(link.expiresAt())) {
            expires = link.expiresAt();
        }
        shares.openSession(Sha256.of(token), link.id(), expires);
        record(link, AuditOutcome.SUCCESS, 200, "share " + link.id() + " opened");
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("access_token", token);
        body.put("token_type", "Bearer");
        body.put("expires_in", Math.max(1, Duration.between(now, expires).toSeconds()));
        body.put("label", link.label());
        body.put("download", link.allowDownload());
        body.put("allStudies", link.allStudies());
        body.put("studies", link.studies());
        body.put("expiresAt", link.expiresAt().toString());
        return new Exchange(200, body);
    }

    /** The exchange is anonymous, so it writes its audit event itself, as the link. */
    private void record(ShareLink link, AuditOutcome outcome, int status, String detail) {
        events.fire(new AuditBatch(List.of(new AuditEvent(Instant.now(), audit.requestId(), "share:" + link.id(),
                "shared link '" + link.label() + "'", ShareGrant.CLIENT_ID, Set.of(Roles.SHARE_RECIPIENT),
                audit.sourceAddress(), AuditAction.SHARE_EXCHANGE, link.patientId(), link.issuer(), null, null, null,
                outcome, status, null, null, detail))));
    }

    private static boolean mayManage(Caller caller, ShareLink link) {
        if (link.createdBySub().equals(caller.subject())) {
            return true;
        }
        PatientRef own = caller.hasRole(Roles.PATIENT) ? caller.patient() : null;
        return own != null && own.equals(new PatientRef(link.patientId(), link.issuer()));
    }

    /** The one patient of the named studies, each of which the caller must be able to read now. */
    private PatientRef patientOf(Caller caller, List<String> studies) {
        PatientRef patient = null;
        for (String study : studies) {
            AccessPolicy.StudyAccess found = access.studyAccess(caller, Permission.READ, study)
                    .filter(AccessPolicy.StudyAccess::readable).orElseThrow(ResourceNotFoundException::new);
            if (patient != null && !patient.equals(found.patient())) {
                throw new InvalidRequestException("a share holds studies of one patient");
            }
            patient = found.patient();
        }
        return patient;
    }

    private static String creatorKind(Caller caller) {
        if (caller.share() != null) {
            throw new OperationForbiddenException("a shared link cannot share further");
        }
        if (caller.hasRole(Roles.PATIENT) && caller.patient() != null) {
            return "patient";
        }
        if (caller.hasRole(Roles.CLINICIAN)) {
            return "clinician";
        }
        if (caller.hasRole(Roles.SHARE_ISSUER)) {
            if (!caller.scopes().contains(SYSTEM_SCOPE)) {
                throw new OperationForbiddenException("a system creates share links with a token of scope " + SYSTEM_SCOPE);
            }
            return "system";
        }
        throw new OperationForbiddenException("this account may not share images");
    }
}
