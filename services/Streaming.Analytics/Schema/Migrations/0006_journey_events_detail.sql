-- What campaign reports need of a journey event besides its kind: the branch taken, the split
-- variant or the reason of a hold/exit (detail), the instance and the journey version it ran on.
ALTER TABLE {db}.journey_events ADD COLUMN IF NOT EXISTS instance_id String DEFAULT '' AFTER event_id;
ALTER TABLE {db}.journey_events ADD COLUMN IF NOT EXISTS version Int64 DEFAULT 0 AFTER instance_id;
ALTER TABLE {db}.journey_events ADD COLUMN IF NOT EXISTS detail String DEFAULT '' AFTER version;
