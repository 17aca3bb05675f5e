-- A consent to a user names the account, not the username: grantee_sub is the user's stable id
-- (the token's sub, resolved through the user directory when the consent is created) and grantee_name
-- their display name at that time. Rows from before this change are resolved at start-up
-- (ConsentGranteeBackfill); until then they match by username as before.
ALTER TABLE consent ADD COLUMN grantee_sub  VARCHAR(255);
ALTER TABLE consent ADD COLUMN grantee_name VARCHAR(255);
CREATE INDEX consent_grantee_sub_idx ON consent (grantee_type, grantee_sub, patient_id, issuer) WHERE status = 'active';
