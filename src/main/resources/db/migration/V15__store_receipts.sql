-- A receipt per newly stored instance, written in the instance's own index transaction and deleted in
-- the transaction that appends the request's STORE audit event. A receipt that outlives its request
-- (the process died between the two commits) is turned into a STORE event by StoreAuditRecovery, so
-- every instance in the archive has one. Who stored it is kept for that event; no patient data here.
CREATE TABLE store_receipt (
    instance_fk    BIGINT       PRIMARY KEY REFERENCES instance (pk) ON DELETE CASCADE,
    request_id     VARCHAR(64)  NOT NULL,
    study_uid      VARCHAR(64)  NOT NULL,
    subject        VARCHAR(255),
    username       VARCHAR(255),
    client_id      VARCHAR(255),
    roles          TEXT[]       NOT NULL DEFAULT '{}',
    source_address VARCHAR(64),
    created_at     TIMESTAMPTZ  NOT NULL DEFAULT now()
);
CREATE INDEX store_receipt_request_idx ON store_receipt (request_id, study_uid);
CREATE INDEX store_receipt_created_idx ON store_receipt (created_at);
