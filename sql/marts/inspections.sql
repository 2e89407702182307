-- The inspections of the register (docs/inspection-cycle.md, section 2): one row per inspection, its unit
-- resolved (code, else name) with the directory's name and type, the kind with its Vietnamese label, the
-- dates, and the reference date (the conclusion date, else the end date, else the start date).
SELECT i.inspection_id,
       u.unit_code,
       d.unit_name,
       d.unit_type,
       i.kind,
       CASE i.kind WHEN 'KE_HOACH' THEN 'Theo kế hoạch có báo trước'
                   WHEN 'DOT_XUAT' THEN 'Đột xuất'
                   WHEN 'TAI_KIEM_TRA' THEN 'Tái kiểm tra' END AS kind_vi,
       i.started_on,
       i.ended_on,
       i.team_lead,
       i.conclusion_no,
       i.conclusion_date,
       i.reference_date,
       i.source_file,
       i.source_row
FROM staging.stg_kiemtra_inspections i
LEFT JOIN intermediate.int_inspection_units u USING (inspection_id)
LEFT JOIN staging.stg_units d ON d.unit_code = u.unit_code
ORDER BY i.inspection_id
