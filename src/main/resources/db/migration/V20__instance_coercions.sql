-- The repairs applied to an instance before it was stored (README "Repairs and quarantine"): e.g.
-- "Media Storage SOP Instance UID (0002,0003) taken from the data set". NULL when stored as received.
ALTER TABLE instance ADD COLUMN coercions text;
