-- bi.persons holds every person seen (issue 13): before, only persons with traits or tags. The
-- persons are those of person_identifiers (every event names a userId or an anonymousId, so every
-- person of bi.events is there) plus any with traits or tags, each mapped through the merges like
-- bi.events, with their current traits and tags when they have them (empty otherwise).
CREATE OR REPLACE VIEW {bi}.persons AS
WITH survivors AS
(
    SELECT tenant, absorbed_person_id, argMax(survivor_person_id, merged_at) AS survivor_person_id
    FROM {db}.person_overrides
    GROUP BY tenant, absorbed_person_id
)
SELECT s.tenant AS tenant, s.person_id AS person_id, p.traits AS traits, t.tags AS tags
FROM
(
    SELECT DISTINCT x.tenant AS tenant, if(o.survivor_person_id = 0, x.person_id, o.survivor_person_id) AS person_id
    FROM
    (
        SELECT DISTINCT tenant, person_id FROM {db}.person_identifiers
        UNION DISTINCT
        SELECT DISTINCT tenant, person_id FROM {db}.person_traits
        UNION DISTINCT
        SELECT DISTINCT tenant, person_id FROM {db}.tags_current
    ) AS x
    LEFT JOIN survivors AS o ON x.tenant = o.tenant AND x.person_id = o.absorbed_person_id
) AS s
LEFT JOIN
(
    SELECT tenant, person_id, CAST(groupArray((trait, value)) AS Map(String, String)) AS traits
    FROM (SELECT tenant, person_id, trait, argMax(value, updated_at) AS value FROM {db}.person_traits GROUP BY tenant, person_id, trait)
    GROUP BY tenant, person_id
) AS p ON s.tenant = p.tenant AND s.person_id = p.person_id
LEFT JOIN
(
    SELECT tenant, person_id, groupArray(tag_id) AS tags
    FROM (SELECT tenant, tag_id, person_id, argMax(member, at) AS member FROM {db}.tags_current GROUP BY tenant, tag_id, person_id)
    WHERE member = 1
    GROUP BY tenant, person_id
) AS t ON s.tenant = t.tenant AND s.person_id = t.person_id;
