-- Break-the-glass grants are matched by the token's stable subject (sub), not by a username that
-- can be renamed or reused.
CREATE INDEX break_glass_subject_idx ON break_glass (subject, patient_id, issuer, expires_at);
