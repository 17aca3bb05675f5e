package io.dicomgate.access;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import io.dicomgate.dicom.InvalidRequestException;

/**
 * Opens break-the-glass grants: one clinician, one patient, a time box, a reason, for an auditor
 * to review. Every use writes a new grant so that each one is reviewable.
 */
@ApplicationScoped
public class BreakGlassGrants {

    private static final int MAX_REASON = 1000;
    private static final int MAX_PURPOSE = 64;

    private final DataSource dataSource;
    private final AccessPolicy access;
    private final BreakGlassConfig config;

    public BreakGlassGrants(DataSource dataSource, AccessPolicy access, BreakGlassConfig config) {
        this.dataSource = dataSource;
        this.access = access;
        this.config = config;
    }

    /**
     * Opens a grant when the request asks for one and the caller may break the glass.
     *
     * @return whether a grant was opened
     * @throws InvalidRequestException for an empty or over-long reason from a caller with the role
     */
    @Transactional
    public boolean openIfRequested(Caller caller, BreakGlassRequest request, PatientRef patient) {
        if (request == null || patient == null || !access.mayBreakGlass(caller)) {
            return false;
        }
        if (request.reason().isEmpty()) {
            throw new InvalidRequestException("X-Break-Glass-Reason must give a reason");
        }
        if (request.reason().length() > MAX_REASON || request.purposeOfUse().length() > MAX_PURPOSE) {
            throw new InvalidRequestException("X-Break-Glass-Reason is limited to 1000 characters");
        }
        Instant now = Instant.now();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                INSERT INTO break_glass (id, subject, username, client_id, patient_id, issuer, reason, purpose_of_use,
                    created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")) {
            ps.setObject(1, UUID.randomUUID());
            ps.setString(2, caller.subject());
            ps.setString(3, caller.username());
            ps.setString(4, caller.clientId());
            ps.setString(5, patient.patientId());
            ps.setString(6, patient.issuer());
            ps.setString(7, request.reason());
            ps.setString(8, request.purposeOfUse());
            ps.setTimestamp(9, Timestamp.from(now));
            ps.setTimestamp(10, Timestamp.from(now.plus(config.timeBox())));
            ps.executeUpdate();
            return true;
        } catch (SQLException e) {
            throw new IllegalStateException("break-glass grant not stored", e);
        }
    }
}
