package io.dicomgate.guard;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** One alert in the auditors' queue: a caller and a limit, open until an auditor acknowledges it. */
@Entity
@Table(name = "guard_alert")
public class GuardAlert {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long pk;
    public UUID id;
    @Enumerated(EnumType.STRING)
    public GuardLimit kind;
    public String subject;
    public String username;
    @Column(name = "client_id")
    public String clientId;
    public String roles;
    public String detail;
    @Column(name = "first_seen_at")
    public Instant firstSeenAt;
    @Column(name = "last_seen_at")
    public Instant lastSeenAt;
    public int occurrences;
    @Column(name = "acknowledged_at")
    public Instant acknowledgedAt;
    @Column(name = "acknowledged_by")
    public String acknowledgedBy;
    @Column(name = "acknowledge_comment")
    public String acknowledgeComment;
}
