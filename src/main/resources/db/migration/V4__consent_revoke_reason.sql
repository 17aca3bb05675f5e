-- Why a consent was revoked, as the revoker wrote it. Kept apart from consent.reason, which records
-- why the consent was given; both are free text and may hold PHI, so neither goes into the audit trail.
ALTER TABLE consent ADD COLUMN revoke_reason VARCHAR(1000);
