package io.dicomgate.consent;

import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.UUID;

import jakarta.persistence.CollectionTable;
import jakarta.persistence.Column;
import jakarta.persistence.ElementCollection;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.Table;

import org.hibernate.annotations.Fetch;
import org.hibernate.annotations.FetchMode;

/**
 * A patient's decision to permit or deny one grantee reading their studies for a period (FHIR R4
 * Consent: patient, provision.actor, provision.type, provision.data, provision.period, status).
 * Rows are never deleted: a revoked or expired consent stays for the record.
 */
@Entity
@Table(name = "consent")
public class Consent {

    public static final String STATUS_ACTIVE = "active";
    public static final String STATUS_REVOKED = "revoked";

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long pk;
    public UUID id;
    @Column(name = "patient_id")
    public String patientId;
    public String issuer;
    public static final String GRANTEE_USER = "user";

    @Column(name = "grantee_type")
    public String granteeType;
    /** The username (user) or client id (client) as named when the consent was made. */
    public String grantee;
    /** A user grantee's account id (token {@code sub}), which the access rule matches; null for clients. */
    @Column(name = "grantee_sub")
    public String granteeSub;
    /** A user grantee's display name when the consent was made. */
    @Column(name = "grantee_name")
    public String granteeName;
    public String decision;
    @Column(name = "all_studies")
    public boolean allStudies;
    /** Empty when {@link #allStudies}; loaded for a whole page of consents in one query. */
    @ElementCollection(fetch = FetchType.LAZY)
    @CollectionTable(name = "consent_study", joinColumns = @JoinColumn(name = "consent_fk"))
    @Column(name = "study_uid")
    @Fetch(FetchMode.SUBSELECT)
    public Set<String> studies = new LinkedHashSet<>();
    @Column(name = "period_start")
    public Instant periodStart;
    /** Exclusive; null for open-ended. */
    @Column(name = "period_end")
    public Instant periodEnd;
    public String status;
    public String reason;
    @Column(name = "created_by")
    public String createdBy;
    @Column(name = "created_at")
    public Instant createdAt;
    @Column(name = "revoked_by")
    public String revokedBy;
    @Column(name = "revoked_at")
    public Instant revokedAt;
    @Column(name = "revoke_reason")
    public String revokeReason;

    /** In force at {@code now}: not revoked and {@code start <= now < end}. */
    public boolean isActiveAt(Instant now) {
        return STATUS_ACTIVE.equals(status) && !periodStart.isAfter(now) && (periodEnd == null || now.isBefore(periodEnd));
    }
}
