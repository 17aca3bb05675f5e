package io.dicomgate.consent;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** One break-the-glass grant: one clinician, one patient, a time box, a reason; reviewed once by an auditor. */
@Entity
@Table(name = "break_glass")
public class BreakGlass {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long pk;
    public UUID id;
    public String subject;
    public String username;
    @Column(name = "client_id")
    public String clientId;
    @Column(name = "patient_id")
    public String patientId;
    public String issuer;
    public String reason;
    @Column(name = "purpose_of_use")
    public String purposeOfUse;
    @Column(name = "created_at")
    public Instant createdAt;
    @Column(name = "expires_at")
    public Instant expiresAt;
    @Column(name = "reviewed_at")
    public Instant reviewedAt;
    @Column(name = "reviewed_by")
    public String reviewedBy;
    @Column(name = "review_comment")
    public String reviewComment;
}
