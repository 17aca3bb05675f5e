-- Patient module attributes are kept per study, as each study was stored, and the patient row is an
-- identity key only (PatientID + IssuerOfPatientID). Before, one row per patient held the values of
-- the last STOW, so a caller allowed one study saw names, birth dates, comments and other IDs that
-- came only from the patient's other studies, and a new study renamed the patient everywhere.
-- Existing studies get the values their patient row holds now: the best that is known.

ALTER TABLE study ADD COLUMN patient_name        VARCHAR(400);
ALTER TABLE study ADD COLUMN patient_name_norm   VARCHAR(400);
ALTER TABLE study ADD COLUMN patient_name_fuzzy  TEXT[];
ALTER TABLE study ADD COLUMN patient_birth_date  VARCHAR(8);
ALTER TABLE study ADD COLUMN patient_sex         VARCHAR(16);
ALTER TABLE study ADD COLUMN patient_attrs_json  TEXT;

UPDATE study st SET patient_name = p.patient_name, patient_name_norm = p.patient_name_norm,
    patient_name_fuzzy = p.patient_name_fuzzy, patient_birth_date = p.birth_date, patient_sex = p.sex,
    patient_attrs_json = p.attrs_json
FROM patient p WHERE p.pk = st.patient_fk;

ALTER TABLE study ALTER COLUMN patient_attrs_json SET NOT NULL;

CREATE INDEX study_patient_name_norm_idx ON study (patient_name_norm text_pattern_ops);
CREATE INDEX study_patient_name_fuzzy_idx ON study USING GIN (patient_name_fuzzy);
CREATE INDEX study_patient_birth_date_idx ON study (patient_birth_date);
CREATE INDEX study_patient_sex_idx ON study (patient_sex);
CREATE INDEX study_patient_name_fuzzy_todo_idx ON study (pk)
    WHERE patient_name IS NOT NULL AND patient_name_fuzzy IS NULL;

ALTER TABLE patient DROP COLUMN patient_name;
ALTER TABLE patient DROP COLUMN patient_name_norm;
ALTER TABLE patient DROP COLUMN patient_name_fuzzy;
ALTER TABLE patient DROP COLUMN birth_date;
ALTER TABLE patient DROP COLUMN sex;
ALTER TABLE patient DROP COLUMN attrs_json;
