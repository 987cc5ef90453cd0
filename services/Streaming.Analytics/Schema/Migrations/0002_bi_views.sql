-- The BI contract: read-only views in the bi database. Column names and meanings of bi.events
-- stay stable; new columns may be added at the end.
CREATE OR REPLACE VIEW {bi}.events AS
SELECT
    e.tenant AS tenant,
    e.event AS event,
    e.type AS type,
    e.timestamp AS timestamp,
    if(o.survivor_person_id = 0, e.person_id, o.survivor_person_id) AS person_id,
    e.user_id AS user_id,
    e.anonymous_id AS anonymous_id,
    e.message_id AS message_id,
    e.source AS source,
    e.properties AS properties,
    e.context AS context,
    e.revenue AS revenue
FROM {db}.events AS e FINAL
LEFT JOIN
(
    SELECT tenant, absorbed_person_id, argMax(survivor_person_id, merged_at) AS survivor_person_id
    FROM {db}.person_overrides
    GROUP BY tenant, absorbed_person_id
) AS o ON e.tenant = o.tenant AND e.person_id = o.absorbed_person_id;

CREATE OR REPLACE VIEW {bi}.persons AS
SELECT
    if(p.tenant = '', t.tenant, p.tenant) AS tenant,
    if(p.tenant = '', t.person_id, p.person_id) AS person_id,
    p.traits AS traits,
    t.tags AS tags
FROM
(
    SELECT tenant, person_id, CAST(groupArray((trait, value)) AS Map(String, String)) AS traits
    FROM (SELECT tenant, person_id, trait, argMax(value, updated_at) AS value FROM {db}.person_traits GROUP BY tenant, person_id, trait)
    GROUP BY tenant, person_id
) AS p
FULL OUTER JOIN
(
    SELECT tenant, person_id, groupArray(tag_id) AS tags
    FROM (SELECT tenant, tag_id, person_id, argMax(member, at) AS member FROM {db}.tags_current GROUP BY tenant, tag_id, person_id)
    WHERE member = 1
    GROUP BY tenant, person_id
) AS t ON p.tenant = t.tenant AND p.person_id = t.person_id;

CREATE OR REPLACE VIEW {bi}.daily_metrics AS
SELECT
    tenant,
    toDate(timestamp) AS day,
    event,
    count() AS events,
    uniqExact(person_id) AS persons,
    sum(revenue) AS revenue
FROM {bi}.events
GROUP BY tenant, day, event;
