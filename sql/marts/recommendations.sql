-- The recommendations of the register (docs/inspection-cycle.md, section 2): one row per recommendation,
-- with the unit of its inspection, the signal it concerns (NULL: none) and the deadline as typed.
SELECT r.recommendation_id,
       r.inspection_id,
       i.unit_code,
       r.text_vi,
       r.signal_code,
       r.deadline,
       r.source_file,
       r.source_row
FROM staging.stg_kiemtra_recommendations r
LEFT JOIN intermediate.int_inspection_units i USING (inspection_id)
ORDER BY r.recommendation_id
