-- One event naming rule in every store (issue 13; Contracts' EventNames, docs/conditions.md "Event
-- names"): a page/screen call is named "<category> <name>" (category from properties.category), else
-- its name, else its category, else its type; before, this table stored "page:<name>" /
-- "screen:<name>" while profiles and the condition language said "<name>". Rows stored the old way
-- are written again under the new name and the old rows deleted. `event` is part of the sort key, so
-- it cannot be updated in place. Re-running converges: only old-style rows match, the copies collapse
-- on (tenant, event, day, message_id) and the sink's offset fence reads kafka_partition/kafka_offset,
-- which the copies keep.
INSERT INTO {db}.events
    (tenant, event, type, message_id, person_id, anonymous_id, user_id, source, timestamp, original_timestamp,
     sent_at, received_at, context, properties, traits, kafka_partition, kafka_offset, inserted_at)
SELECT tenant,
       multiIf(old_name != '' AND old_category != '', concat(old_category, ' ', old_name), old_name != '', old_name, old_category != '', old_category, type),
       type, message_id, person_id, anonymous_id, user_id, source, timestamp, original_timestamp,
       sent_at, received_at, context, properties, traits, kafka_partition, kafka_offset, inserted_at
FROM
(
    SELECT *, if(startsWith(event, concat(type, ':')), substring(event, length(type) + 2), '') AS old_name,
           JSONExtractString(properties, 'category') AS old_category
    FROM {db}.events
    WHERE type IN ('page', 'screen')
      AND (startsWith(event, concat(type, ':')) OR (event = type AND JSONExtractString(properties, 'category') != ''))
);

ALTER TABLE {db}.events DELETE
WHERE type IN ('page', 'screen')
  AND (startsWith(event, concat(type, ':')) OR (event = type AND JSONExtractString(properties, 'category') != ''))
SETTINGS mutations_sync = 2;
