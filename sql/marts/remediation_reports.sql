-- The units' remediation reports of the register (docs/inspection-cycle.md, section 2): one row per
-- report, keyed by its position in the register; recommendation_id NULL: the report covers every
-- recommendation of its inspection.
SELECT r.report_key,
       r.inspection_id,
       r.recommendation_id,
       i.unit_code,
       r.reported_on,
       r.claim,
       CASE r.claim WHEN 'DA_KHAC_PHUC' THEN 'Đã khắc phục' WHEN 'DANG_KHAC_PHUC' THEN 'Đang khắc phục' END AS claim_vi,
       r.document_no
FROM staging.stg_kiemtra_reports r
LEFT JOIN intermediate.int_inspection_units i USING (inspection_id)
ORDER BY r.inspection_id, r.reported_on, r.report_key
