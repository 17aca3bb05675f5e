package io.dicomgate.access;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import jakarta.transaction.Transactional.TxType;

import io.dicomgate.access.Scopes.Permission;
import io.dicomgate.dicom.InvalidRequestException;
import io.dicomgate.metrics.DicomgateMetrics;
import io.dicomgate.web.ControlCharacters;
import io.quarkus.security.ForbiddenException;

/**
 * Opens break-the-glass grants: one clinician, one patient, a time box, a reason, for an auditor
 * to review (the review queue is {@code consent.BreakGlassResource}). A grant is opened only when
 * the caller cannot already read every study of the patient (by consent or an open grant), so one
 * emergency is one grant and one review item however many requests the clinician sends; it is
 * committed in its own transaction so it stays on record even if the request that opened it fails.
 * Concurrent requests of one clinician for one patient are serialised by a transaction-scoped
 * advisory lock, so they cannot open two grants either.
 */
@ApplicationScoped
public class BreakGlassGrants {

    static final int MAX_REASON = 1000;

    private final DataSource dataSource;
    private final AccessPolicy access;
    private final BreakGlassConfig config;
    private final DicomgateMetrics metrics;

    public BreakGlassGrants(DataSource dataSource, AccessPolicy access, BreakGlassConfig config,
            DicomgateMetrics metrics) {
        this.dataSource = dataSource;
        this.access = access;
        this.config = config;
        this.metrics = metrics;
    }

    /**
     * Opens a grant when the request carries break-the-glass headers and the caller may break the
     * glass; without the role the headers change nothing.
     *
     * @return whether a grant was opened
     * @throws InvalidRequestException for an empty or malformed reason or purpose from a caller with the role
     */
    @Transactional(TxType.REQUIRES_NEW)
    public boolean openIfRequested(Caller caller, BreakGlassRequest request, PatientRef patient) {
        if (request == null || patient == null || !access.mayBreakGlass(caller)) {
            return false;
        }
        validate(request.reason(), request.purposeOfUse());
        try (Connection c = dataSource.getConnection()) {
            lock(c, caller, patient);
            if (!lacksAccess(c, caller, patient)) {
                return false;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("break-glass check failed", e);
        }
        open(caller, patient, request.reason(), request.purposeOfUse(), config.timeBox());
        return true;
    }

    /** Serialises the check-then-open of one clinician for one patient until this transaction ends. */
    private static void lock(Connection c, Caller caller, PatientRef patient) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_xact_lock(hashtextextended(?, 7))")) {
            ps.setString(1, caller.subject() + '|' + patient.patientId() + '|' + issuer(patient));
            ps.execute();
        }
    }

    /**
     * Whether some study of the patient is not readable by the caller today (by consent or an open
     * grant): only then does breaking the glass open anything.
     */
    private boolean lacksAccess(Connection c, Caller caller, PatientRef patient) throws SQLException {
        SqlFilter readable = access.readableFilter(caller, Permission.READ, false);
        String sql = "SELECT 1 FROM study st JOIN patient p ON p.pk = st.patient_fk WHERE p.patient_id = ?"
                + " AND p.issuer = ? AND NOT (" + readable.sql() + ") LIMIT 1";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, patient.patientId());
            ps.setString(2, issuer(patient));
            AccessPolicy.bind(ps, 3, readable.params());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static String issuer(PatientRef patient) {
        return patient.issuer() == null ? "" : patient.issuer();
    }

    private static void validate(String reason, String purposeOfUse) {
        if (reason == null || reason.isBlank()) {
            throw new InvalidRequestException("X-Break-Glass-Reason must give a reason");
        }
        ControlCharacters.checkFreeText("X-Break-Glass-Reason", reason);
        if (reason.length() > MAX_REASON) {
            throw new InvalidRequestException("the break-the-glass reason must be at most " + MAX_REASON + " characters");
        }
        if (purposeOfUse != null && !purposeOfUse.matches("[A-Za-z0-9._-]{1,64}")) {
            throw new InvalidRequestException("purpose of use must be a code of at most 64 letters, digits, '.', '_' or '-'");
        }
    }

    /**
     * Records a new grant for this caller and patient, valid from now for {@code timeBox}.
     *
     * @param reason the clinician's stated reason (required, at most 1000 characters; may hold PHI)
     * @param purposeOfUse a purpose-of-use code (e.g. {@code ETREAT}), or null
     * @return the grant's id
     * @throws ForbiddenException unless {@link AccessPolicy#mayBreakGlass} (clinician, emergency-access, user scope)
     */
    @Transactional(TxType.REQUIRES_NEW)
    public UUID open(Caller caller, PatientRef patient, String reason, String purposeOfUse, Duration timeBox) {
        if (!access.mayBreakGlass(caller)) {
            throw new ForbiddenException();
        }
        if (patient == null || patient.patientId() == null || patient.patientId().isBlank()) {
            throw new IllegalArgumentException("patient required");
        }
        validate(reason, purposeOfUse);
        if (timeBox.isNegative() || timeBox.isZero()) {
            throw new IllegalArgumentException("time box must be positive");
        }
        UUID id = UUID.randomUUID();
        // Microseconds: what PostgreSQL keeps, so the stored and returned instants agree.
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                INSERT INTO break_glass (id, subject, username, client_id, patient_id, issuer, reason, purpose_of_use,
                    created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")) {
            ps.setObject(1, id);
            ps.setString(2, caller.subject());
            ps.setString(3, caller.username());
            ps.setString(4, caller.clientId());
            ps.setString(5, patient.patientId());
            ps.setString(6, patient.issuer() == null ? "" : patient.issuer());
            ps.setString(7, reason.strip());
            ps.setString(8, purposeOfUse);
            ps.setTimestamp(9, Timestamp.from(now));
            ps.setTimestamp(10, Timestamp.from(now.plus(timeBox)));
            ps.executeUpdate();
            metrics.breakGlassGranted();
            return id;
        } catch (SQLException e) {
            throw new IllegalStateException("break-glass grant not stored", e);
        }
    }
}
