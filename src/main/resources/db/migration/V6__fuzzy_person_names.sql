-- Fuzzy person name matching (QIDO-RS fuzzymatching=true, PS3.18 §8.3.4.1): the folded words of
-- the name (accents stripped, upper-cased, all components and component groups), distinct and
-- sorted, as computed by io.dicomgate.dicom.PersonNames. Folding is done in Java, not with the
-- unaccent extension, so stored and query words are folded by exactly the same code; rows that
-- exist before this migration are filled at start-up (index.FuzzyNameBackfill).

ALTER TABLE patient ADD COLUMN patient_name_fuzzy TEXT[];
ALTER TABLE study ADD COLUMN referring_physician_name_fuzzy TEXT[];

-- Exact-word queries use array containment (@>).
CREATE INDEX patient_name_fuzzy_idx ON patient USING GIN (patient_name_fuzzy);
CREATE INDEX study_ref_phys_fuzzy_idx ON study USING GIN (referring_physician_name_fuzzy);

-- What the start-up backfill still has to do, found without scanning the tables.
CREATE INDEX patient_name_fuzzy_todo_idx ON patient (pk)
    WHERE patient_name IS NOT NULL AND patient_name_fuzzy IS NULL;
CREATE INDEX study_ref_phys_fuzzy_todo_idx ON study (pk)
    WHERE referring_physician_name IS NOT NULL AND referring_physician_name_fuzzy IS NULL;
