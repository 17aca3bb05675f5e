-- Alerts of the exfiltration guard for auditors: a caller refused by a limit, or touching more distinct
-- patients per hour than the anomaly threshold. PHI-free: who (staff account or client), which limit,
-- numbers. One open alert per caller and limit; repeats raise its count and last_seen_at.
CREATE TABLE guard_alert (
    pk                BIGSERIAL    PRIMARY KEY,
    id                UUID         NOT NULL UNIQUE,
    kind              VARCHAR(32)  NOT NULL,
    subject           VARCHAR(255) NOT NULL,
    username          VARCHAR(255),
    client_id         VARCHAR(255),
    roles             VARCHAR(1000),
    detail            VARCHAR(1000) NOT NULL,
    first_seen_at     TIMESTAMPTZ  NOT NULL,
    last_seen_at      TIMESTAMPTZ  NOT NULL,
    occurrences       INTEGER      NOT NULL,
    acknowledged_at   TIMESTAMPTZ,
    acknowledged_by   VARCHAR(255),
    acknowledge_comment VARCHAR(2000)
);
CREATE UNIQUE INDEX guard_alert_open_idx ON guard_alert (subject, kind) WHERE acknowledged_at IS NULL;
CREATE INDEX guard_alert_queue_idx ON guard_alert (acknowledged_at, last_seen_at DESC);
