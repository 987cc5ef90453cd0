-- The incarnation of events.identified each row was read from (the topic id, see
-- docs/consumer-runtime.md): the sink's stored-offset fence asks only about offsets of the
-- incarnation it reads, so a topic created again (offsets from 0) is never taken for a replay.
-- Rows stored before this migration have '' and are never matched by a fence again.
ALTER TABLE {db}.events ADD COLUMN IF NOT EXISTS kafka_incarnation LowCardinality(String) DEFAULT '' AFTER kafka_offset;
