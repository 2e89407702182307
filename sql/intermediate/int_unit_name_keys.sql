-- Every name key a unit answers to (its name and its aliases, keyed as spec "Unit names" says),
-- with the unit when exactly one unit has that key; ambiguous keys resolve to nobody.
WITH names AS (
    SELECT unit_code, unit_name AS name FROM staging.stg_units
    UNION ALL
    SELECT unit_code, unnest(aliases) AS name FROM staging.stg_units
), keyed AS (
    SELECT DISTINCT unit_code, name_key(name) AS name_key FROM names
)
SELECT name_key,
       CASE WHEN count(DISTINCT unit_code) = 1 THEN min(unit_code) END AS unit_code,
       count(DISTINCT unit_code) AS units
FROM keyed
WHERE name_key IS NOT NULL
GROUP BY name_key
