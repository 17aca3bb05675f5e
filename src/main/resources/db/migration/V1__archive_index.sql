-- The archive index: one row per patient, study, series and instance (PS3.18 §10.6.1 levels).
-- Columns hold what QIDO matches and sorts on; attrs_json holds the level's attributes exactly as
-- DICOM JSON fields (PS3.18 Annex F) so results and includefield=all need no file access.
-- Person names are also kept upper-cased (*_norm) for case-insensitive matching (PS3.4 C.2.2.2.1).

CREATE TABLE patient (
    pk                BIGSERIAL PRIMARY KEY,
    patient_id        VARCHAR(64)  NOT NULL,
    issuer            VARCHAR(64)  NOT NULL DEFAULT '',
    patient_name      VARCHAR(400),
    patient_name_norm VARCHAR(400),
    birth_date        VARCHAR(8),
    sex               VARCHAR(16),
    attrs_json        TEXT         NOT NULL,
    created_at        TIMESTAMPTZ  NOT NULL DEFAULT now(),
    updated_at        TIMESTAMPTZ  NOT NULL DEFAULT now(),
    CONSTRAINT patient_identity UNIQUE (patient_id, issuer)
);
CREATE INDEX patient_name_norm_idx ON patient (patient_name_norm text_pattern_ops);
CREATE INDEX patient_birth_date_idx ON patient (birth_date);

CREATE TABLE study (
    pk                         BIGSERIAL PRIMARY KEY,
    patient_fk                 BIGINT       NOT NULL REFERENCES patient (pk),
    study_uid                  VARCHAR(64)  NOT NULL UNIQUE,
    study_date                 VARCHAR(8),
    study_time                 VARCHAR(16),
    accession_number           VARCHAR(64),
    study_id                   VARCHAR(64),
    study_description          VARCHAR(400),
    referring_physician_name      VARCHAR(400),
    referring_physician_name_norm VARCHAR(400),
    modalities_in_study        VARCHAR(16)[] NOT NULL DEFAULT '{}',
    num_series                 INTEGER      NOT NULL DEFAULT 0,
    num_instances              INTEGER      NOT NULL DEFAULT 0,
    attrs_json                 TEXT         NOT NULL,
    created_at                 TIMESTAMPTZ  NOT NULL DEFAULT now(),
    updated_at                 TIMESTAMPTZ  NOT NULL DEFAULT now()
);
CREATE INDEX study_patient_idx ON study (patient_fk);
CREATE INDEX study_date_idx ON study (study_date, study_time, pk);
CREATE INDEX study_accession_idx ON study (accession_number);
CREATE INDEX study_modalities_idx ON study USING GIN (modalities_in_study);
CREATE INDEX study_ref_phys_idx ON study (referring_physician_name_norm text_pattern_ops);

CREATE TABLE series (
    pk                 BIGSERIAL PRIMARY KEY,
    study_fk           BIGINT       NOT NULL REFERENCES study (pk),
    series_uid         VARCHAR(64)  NOT NULL UNIQUE,
    modality           VARCHAR(16),
    series_number      INTEGER,
    series_description VARCHAR(400),
    pps_start_date     VARCHAR(8),
    pps_start_time     VARCHAR(16),
    num_instances      INTEGER      NOT NULL DEFAULT 0,
    attrs_json         TEXT         NOT NULL,
    created_at         TIMESTAMPTZ  NOT NULL DEFAULT now()
);
CREATE INDEX series_study_idx ON series (study_fk, series_number);
CREATE INDEX series_modality_idx ON series (modality);

CREATE TABLE instance (
    pk                  BIGSERIAL PRIMARY KEY,
    series_fk           BIGINT       NOT NULL REFERENCES series (pk),
    sop_instance_uid    VARCHAR(64)  NOT NULL UNIQUE,
    sop_class_uid       VARCHAR(64)  NOT NULL,
    instance_number     INTEGER,
    pixel_rows          INTEGER,
    pixel_columns       INTEGER,
    bits_allocated      INTEGER,
    samples_per_pixel   INTEGER,
    number_of_frames    INTEGER,
    transfer_syntax_uid VARCHAR(64)  NOT NULL,
    size_bytes          BIGINT       NOT NULL,
    sha256              VARCHAR(64)  NOT NULL,
    blob_key            VARCHAR(200) NOT NULL,
    pixel_vr            VARCHAR(2),
    pixel_offset        BIGINT,
    pixel_length        BIGINT,
    -- Full instance metadata (PS3.18 §10.4.1.1.2), bulk data as BulkDataURIs under "{+SERVICE}".
    metadata_json       TEXT         NOT NULL,
    attrs_json          TEXT         NOT NULL,
    created_at          TIMESTAMPTZ  NOT NULL DEFAULT now()
);
CREATE INDEX instance_series_idx ON instance (series_fk, instance_number);
CREATE INDEX instance_sop_class_idx ON instance (sop_class_uid);
CREATE INDEX instance_blob_idx ON instance (blob_key);
