-- Quarantine (README "Quarantine"): what a store could not keep safely (unreadable, truncated, without
-- valid UIDs, unsupported encoding) or that conflicts with a stored instance (same SOP Instance UID,
-- other bytes) is kept here, with why, for a human decision; never a silent overwrite, never lost.
CREATE TABLE quarantine (
    id                UUID          PRIMARY KEY,
    received_at       TIMESTAMPTZ   NOT NULL DEFAULT now(),
    source            VARCHAR(16)   NOT NULL,
    reason            VARCHAR(40)   NOT NULL,           -- the PS3.18 Failure Reason the client got
    detail            VARCHAR(256)  NOT NULL,
    sop_instance_uid  VARCHAR(64),
    study_uid         VARCHAR(64),
    patient_id        VARCHAR(64),
    issuer            VARCHAR(64),
    blob_key          VARCHAR(200)  NOT NULL,
    size_bytes        BIGINT        NOT NULL,
    sha256            CHAR(64)      NOT NULL,
    received_by       VARCHAR(255)  NOT NULL,
    client_id         VARCHAR(255)
);
CREATE INDEX quarantine_received_idx ON quarantine (received_at DESC);
CREATE INDEX quarantine_blob_idx ON quarantine (blob_key);
