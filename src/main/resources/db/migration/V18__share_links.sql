-- Share links (README "Share links"): a patient, clinician or EHR lets someone outside the hospital see
-- some studies of one patient through a link and a PIN, for a limited time. Only hashes are kept.
CREATE TABLE share_link (
    id              UUID          PRIMARY KEY,
    secret_hash     CHAR(64)      NOT NULL UNIQUE,              -- SHA-256 (hex) of the link's secret
    pin_salt        BYTEA         NOT NULL,
    pin_hash        BYTEA         NOT NULL,                     -- PBKDF2-HMAC-SHA256 of the PIN
    patient_id      VARCHAR(64)   NOT NULL,
    issuer          VARCHAR(64)   NOT NULL DEFAULT '',
    all_studies     BOOLEAN       NOT NULL,
    label           VARCHAR(128)  NOT NULL,                     -- the recipient, as the creator named them
    reason          VARCHAR(1024),
    allow_download  BOOLEAN       NOT NULL,
    creator_kind    VARCHAR(16)   NOT NULL CHECK (creator_kind IN ('patient', 'clinician', 'system')),
    created_by_sub  VARCHAR(255)  NOT NULL,                     -- token subject (client id for systems)
    created_by      VARCHAR(255)  NOT NULL,                     -- username or client id, for display
    created_at      TIMESTAMPTZ   NOT NULL DEFAULT now(),
    expires_at      TIMESTAMPTZ   NOT NULL,
    revoked_at      TIMESTAMPTZ,
    failed_pins     INTEGER       NOT NULL DEFAULT 0,
    locked_at       TIMESTAMPTZ,
    last_used_at    TIMESTAMPTZ,
    CONSTRAINT share_link_life CHECK (expires_at > created_at)
);
CREATE INDEX share_link_creator_idx ON share_link (created_by_sub, created_at DESC);
CREATE INDEX share_link_patient_idx ON share_link (patient_id, issuer);

CREATE TABLE share_link_study (
    share_fk   UUID         NOT NULL REFERENCES share_link (id) ON DELETE CASCADE,
    study_uid  VARCHAR(64)  NOT NULL,
    PRIMARY KEY (share_fk, study_uid)
);

-- A PIN exchange's access token (opaque, only its SHA-256 kept): one per device that opened the link.
CREATE TABLE share_session (
    token_hash    CHAR(64)     PRIMARY KEY,
    share_fk      UUID         NOT NULL REFERENCES share_link (id) ON DELETE CASCADE,
    created_at    TIMESTAMPTZ  NOT NULL DEFAULT now(),
    expires_at    TIMESTAMPTZ  NOT NULL
);
CREATE INDEX share_session_share_idx ON share_session (share_fk);
