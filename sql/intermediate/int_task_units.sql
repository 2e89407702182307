-- Each distinct lead-unit name typed on tasks, and the unit it resolves to (NULL: unresolved or ambiguous).
WITH typed AS (
    SELECT DISTINCT don_vi_chu_tri AS raw_name FROM staging.stg_nhiemvu_tasks WHERE don_vi_chu_tri IS NOT NULL
)
SELECT t.raw_name, k.unit_code
FROM typed t
LEFT JOIN intermediate.int_unit_name_keys k ON k.name_key = name_key(t.raw_name)
