-- The unit of each inspection of the register: its typed code when the directory has it (codes match
-- exactly), else its typed name through the name key (as for tasks: NULL when no unit or several units
-- answer to it). The register's loader already rejects rows whose unit does not resolve.
SELECT i.inspection_id, coalesce(c.unit_code, k.unit_code) AS unit_code
FROM staging.stg_kiemtra_inspections i
LEFT JOIN staging.stg_units c ON c.unit_code = i.typed_unit_code
LEFT JOIN intermediate.int_unit_name_keys k ON k.name_key = name_key(i.typed_unit_name)
