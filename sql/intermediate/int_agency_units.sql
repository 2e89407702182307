-- Each agency of the Inspectorate's list and its unit: through its code when set (a code missing from
-- the directory does not resolve), else through its name. source_value is what unresolved_units shows.
SELECT a.agency_id,
       CASE WHEN a.ma_dinh_danh IS NOT NULL THEN u.unit_code ELSE k.unit_code END AS unit_code,
       coalesce(a.ma_dinh_danh, a.ten) AS source_value
FROM staging.stg_donthu_agencies a
LEFT JOIN staging.stg_units u ON u.unit_code = a.ma_dinh_danh
LEFT JOIN intermediate.int_unit_name_keys k ON a.ma_dinh_danh IS NULL AND k.name_key = name_key(a.ten)
