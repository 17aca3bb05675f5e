-- Bulk imports (README "Moving in from an open archive"). A job reads one source; what it finished is
-- checkpointed per source, so a later job of the same source skips it (resume after an interruption,
-- nothing new for a finished source). Credentials are never stored: source_display has none.
CREATE TABLE import_job (
    id               uuid        PRIMARY KEY,
    source_key       text        NOT NULL,
    source_type      text        NOT NULL,
    source_display   text        NOT NULL,
    state            text        NOT NULL CHECK (state IN ('RUNNING', 'DONE', 'FAILED', 'CANCELLED', 'INTERRUPTED')),
    started_by       text        NOT NULL,
    started_by_sub   text        NOT NULL,
    parallelism      integer     NOT NULL,
    started_at       timestamptz NOT NULL,
    heartbeat_at     timestamptz NOT NULL,
    finished_at      timestamptz,
    listing_done     boolean     NOT NULL DEFAULT false,
    discovered       bigint      NOT NULL DEFAULT 0,
    skipped          bigint      NOT NULL DEFAULT 0,
    stored           bigint      NOT NULL DEFAULT 0,
    already_present  bigint      NOT NULL DEFAULT 0,
    coerced          bigint      NOT NULL DEFAULT 0,
    quarantined      bigint      NOT NULL DEFAULT 0,
    source_errors    bigint      NOT NULL DEFAULT 0,
    failed           bigint      NOT NULL DEFAULT 0,
    bytes            bigint      NOT NULL DEFAULT 0,
    error            text
);
-- One running job per source, across nodes.
CREATE UNIQUE INDEX import_job_one_running ON import_job (source_key) WHERE state = 'RUNNING';
CREATE INDEX import_job_started ON import_job (started_at DESC);

-- Checkpoint: an item (file, zip, instance, series) of a source that needs no further work. Keyed by the
-- SHA-256 of the item key (paths can be longer than an index entry may be).
CREATE TABLE import_item (
    source_key   text        NOT NULL,
    item_digest  text        NOT NULL,
    job_id       uuid        NOT NULL REFERENCES import_job (id),
    done_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (source_key, item_digest)
);

-- The report: every object that was not plainly stored (repaired, quarantined, present already, errors).
CREATE TABLE import_report (
    job_id           uuid   NOT NULL REFERENCES import_job (id),
    seq              bigserial,
    item_key         text   NOT NULL,
    object_key       text,
    outcome          text   NOT NULL,
    reason           text,
    detail           text,
    fixes            text,
    sop_instance_uid text,
    PRIMARY KEY (job_id, seq)
);
