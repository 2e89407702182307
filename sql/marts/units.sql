-- Every unit of the directory, dissolved ones included, with the other names it is known by (so that
-- whoever checks a name typed by people against the published file resolves it as the pipeline does).
SELECT unit_code, unit_name, unit_type, parent_unit_code, valid_from, valid_to,
       coalesce(aliases, CAST([] AS VARCHAR[])) AS aliases
FROM staging.stg_units
ORDER BY unit_code
