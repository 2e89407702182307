-- Every unit of the directory, dissolved ones included.
SELECT unit_code, unit_name, unit_type, parent_unit_code, valid_from, valid_to
FROM staging.stg_units
ORDER BY unit_code
