-- Consent, modelled on FHIR R4 Consent: a patient (ID + issuer) permits or denies a grantee (a user
-- by username, or a client by client id) to read all of the patient's studies or listed ones, for a
-- period. Revoked or expired rows stay for the record; the access rule reads status and period
-- on every request, so a revocation or expiry takes effect on the very next one.
CREATE TABLE consent (
    pk           BIGSERIAL PRIMARY KEY,
    id           UUID          NOT NULL UNIQUE,
    patient_id   VARCHAR(64)   NOT NULL,
    issuer       VARCHAR(64)   NOT NULL DEFAULT '',
    grantee_type VARCHAR(8)    NOT NULL CHECK (grantee_type IN ('user', 'client')),
    grantee      VARCHAR(255)  NOT NULL,
    decision     VARCHAR(8)    NOT NULL CHECK (decision IN ('permit', 'deny')),
    all_studies  BOOLEAN       NOT NULL,
    action       VARCHAR(16)   NOT NULL DEFAULT 'read' CHECK (action = 'read'),
    period_start TIMESTAMPTZ   NOT NULL,
    period_end   TIMESTAMPTZ,
    status       VARCHAR(8)    NOT NULL CHECK (status IN ('active', 'revoked')),
    reason       VARCHAR(1000),
    created_by   VARCHAR(255)  NOT NULL,
    created_at   TIMESTAMPTZ   NOT NULL DEFAULT now(),
    revoked_by   VARCHAR(255),
    revoked_at   TIMESTAMPTZ,
    CONSTRAINT consent_period CHECK (period_end IS NULL OR period_end > period_start)
);
CREATE INDEX consent_grantee_idx ON consent (grantee_type, grantee, patient_id, issuer) WHERE status = 'active';
CREATE INDEX consent_patient_idx ON consent (patient_id, issuer);

-- The studies a consent is limited to, when all_studies is false.
CREATE TABLE consent_study (
    consent_fk BIGINT      NOT NULL REFERENCES consent (pk) ON DELETE CASCADE,
    study_uid  VARCHAR(64) NOT NULL,
    PRIMARY KEY (consent_fk, study_uid)
);

-- Break-the-glass grants: one clinician, one patient, a time box, a reason; reviewed by an auditor.
CREATE TABLE break_glass (
    pk             BIGSERIAL PRIMARY KEY,
    id             UUID          NOT NULL UNIQUE,
    subject        VARCHAR(255)  NOT NULL,
    username       VARCHAR(255)  NOT NULL,
    client_id      VARCHAR(255),
    patient_id     VARCHAR(64)   NOT NULL,
    issuer         VARCHAR(64)   NOT NULL DEFAULT '',
    reason         VARCHAR(1000) NOT NULL,
    purpose_of_use VARCHAR(64),
    created_at     TIMESTAMPTZ   NOT NULL DEFAULT now(),
    expires_at     TIMESTAMPTZ   NOT NULL,
    reviewed_at    TIMESTAMPTZ,
    reviewed_by    VARCHAR(255),
    review_comment VARCHAR(2000)
);
CREATE INDEX break_glass_grant_idx ON break_glass (username, patient_id, issuer, expires_at);
CREATE INDEX break_glass_review_idx ON break_glass (reviewed_at, created_at);
