-- History of every identified event. ReplacingMergeTree on a key that ends with message_id: a
-- message stored twice (a replay the sink could not recognise) collapses at merge time. The
-- order key serves per-tenant, per-event, per-day scans; kafka_partition/kafka_offset let the
-- sink see which offsets are already stored after a restart or replay.
CREATE TABLE IF NOT EXISTS {db}.events
(
    tenant LowCardinality(String),
    event LowCardinality(String),
    type LowCardinality(String),
    message_id String,
    person_id Int64,
    anonymous_id String,
    user_id String,
    source LowCardinality(String),
    timestamp DateTime64(3, 'UTC'),
    original_timestamp Nullable(DateTime64(3, 'UTC')),
    sent_at Nullable(DateTime64(3, 'UTC')),
    received_at DateTime64(3, 'UTC'),
    context String,
    properties String,
    traits String,
    kafka_partition UInt16,
    kafka_offset UInt64,
    inserted_at DateTime DEFAULT now(),
    -- context and properties the queries use most, materialised once at insert
    context_ip String MATERIALIZED JSONExtractString(context, 'ip'),
    context_os LowCardinality(String) MATERIALIZED JSONExtractString(context, 'os', 'name'),
    context_country LowCardinality(String) MATERIALIZED JSONExtractString(context, 'location', 'country'),
    context_campaign LowCardinality(String) MATERIALIZED JSONExtractString(context, 'campaign', 'name'),
    page_path String MATERIALIZED JSONExtractString(context, 'page', 'path'),
    order_id String MATERIALIZED JSONExtractString(properties, 'order_id'),
    revenue Float64 MATERIALIZED JSONExtractFloat(properties, 'revenue'),
    category LowCardinality(String) MATERIALIZED JSONExtractString(properties, 'category')
)
ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(timestamp)
ORDER BY (tenant, event, toDate(timestamp), message_id)
TTL toDateTime(received_at) + toIntervalDay({ttl_days})
SETTINGS non_replicated_deduplication_window = 10000;

-- Absorbed person -> survivor. Queries map person_id through it, so history follows merges.
CREATE TABLE IF NOT EXISTS {db}.person_overrides
(
    tenant LowCardinality(String),
    absorbed_person_id Int64,
    survivor_person_id Int64,
    merge_id String,
    merged_at DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(merged_at)
ORDER BY (tenant, absorbed_person_id)
SETTINGS non_replicated_deduplication_window = 10000;

-- Every identifier seen for a person (filled from events by the view below).
CREATE TABLE IF NOT EXISTS {db}.person_identifiers
(
    tenant LowCardinality(String),
    identifier_type LowCardinality(String),
    identifier String,
    person_id Int64,
    last_seen DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(last_seen)
ORDER BY (tenant, identifier_type, identifier, person_id);

CREATE MATERIALIZED VIEW IF NOT EXISTS {db}.person_identifiers_from_events TO {db}.person_identifiers AS
SELECT tenant, pair.1 AS identifier_type, pair.2 AS identifier, person_id, timestamp AS last_seen
FROM {db}.events
ARRAY JOIN [('user_id', user_id), ('anonymous_id', anonymous_id)] AS pair
WHERE pair.2 != '';

-- Current traits, one row per person and trait (the latest change wins).
CREATE TABLE IF NOT EXISTS {db}.person_traits
(
    tenant LowCardinality(String),
    person_id Int64,
    trait String,
    value String,
    updated_at DateTime64(3, 'UTC'),
    change_id String
)
ENGINE = ReplacingMergeTree(updated_at)
ORDER BY (tenant, person_id, trait)
SETTINGS non_replicated_deduplication_window = 10000;

-- Tag memberships over time (entered/left), one row per change.
CREATE TABLE IF NOT EXISTS {db}.tag_changes
(
    tenant LowCardinality(String),
    tag_id LowCardinality(String),
    person_id Int64,
    entered UInt8,
    at DateTime64(3, 'UTC'),
    change_id String
)
ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(at)
ORDER BY (tenant, tag_id, person_id, at, change_id)
SETTINGS non_replicated_deduplication_window = 10000;

-- Current tag memberships: the last change per (tenant, tag, person); member = 1 means in the tag.
CREATE TABLE IF NOT EXISTS {db}.tags_current
(
    tenant LowCardinality(String),
    tag_id LowCardinality(String),
    person_id Int64,
    member UInt8,
    at DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(at)
ORDER BY (tenant, tag_id, person_id);

CREATE MATERIALIZED VIEW IF NOT EXISTS {db}.tags_current_from_changes TO {db}.tags_current AS
SELECT tenant, tag_id, person_id, entered AS member, at FROM {db}.tag_changes;

-- Room for message receipts and journey events (filled by later sinks).
CREATE TABLE IF NOT EXISTS {db}.messages
(
    tenant LowCardinality(String),
    receipt_id String,
    request_id String,
    person_id Int64,
    channel LowCardinality(String),
    status LowCardinality(String),
    journey_id String,
    error String,
    at DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(at)
ORDER BY (tenant, channel, toDate(at), receipt_id);

CREATE TABLE IF NOT EXISTS {db}.journey_events
(
    tenant LowCardinality(String),
    journey_id String,
    step_id String,
    person_id Int64,
    kind LowCardinality(String),
    at DateTime64(3, 'UTC'),
    event_id String
)
ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(at)
ORDER BY (tenant, journey_id, toDate(at), event_id);
