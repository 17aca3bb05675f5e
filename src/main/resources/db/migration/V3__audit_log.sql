-- The audit trail: one row per AuditEvent (who, client, action, patient, UIDs, outcome, status,
-- purpose), append-only and hash-chained. seq gives the order; hash = SHA-256 over prev_hash and a
-- canonical serialisation of the row's fields (AuditChain), so an altered, removed or inserted row
-- breaks the chain at the first row after it that is checked (GET /api/audit/verify).
--
-- Append-only is enforced twice: the application never updates or deletes, and the triggers below
-- refuse UPDATE, DELETE and TRUNCATE for everyone. A table owner or superuser can still
-- `ALTER TABLE audit_log DISABLE TRIGGER ...` (the tamper tests do exactly that to play an attacker
-- with database access); the hash chain is what detects such changes. In production the application
-- should connect as a role that does not own the table, and the chain head (verify's lastHash)
-- should be copied somewhere the database administrator cannot write, because a chain rewritten from
-- the altered row onwards, or cut at its end, is only caught against such an anchor.
CREATE TABLE audit_log (
    seq                BIGSERIAL    PRIMARY KEY,
    event_time         TIMESTAMPTZ  NOT NULL,
    request_id         VARCHAR(64)  NOT NULL,
    subject            VARCHAR(255),
    username           VARCHAR(255),
    client_id          VARCHAR(255),
    roles              TEXT[]       NOT NULL DEFAULT '{}',
    source_address     VARCHAR(64),
    action             VARCHAR(32)  NOT NULL,
    patient_id         VARCHAR(64),
    issuer             VARCHAR(64),
    study_uid          VARCHAR(64),
    series_uid         VARCHAR(64),
    instance_uid       VARCHAR(64),
    outcome            VARCHAR(16)  NOT NULL,
    http_status        INTEGER      NOT NULL,
    purpose_of_use     VARCHAR(64),
    break_glass_reason VARCHAR(1000),
    detail             VARCHAR(1000),
    prev_hash          CHAR(64)     NOT NULL,
    hash               CHAR(64)     NOT NULL UNIQUE
);
-- Export filters (GET /api/audit) and the patient's access log, each ordered by seq.
CREATE INDEX audit_log_patient_idx ON audit_log (patient_id, issuer, seq);
CREATE INDEX audit_log_username_idx ON audit_log (username, seq);
CREATE INDEX audit_log_time_idx ON audit_log (event_time);
CREATE INDEX audit_log_action_idx ON audit_log (action, seq);

CREATE FUNCTION audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change();
