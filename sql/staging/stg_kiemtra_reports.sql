-- The units' remediation reports of the register: one row per sheet row (its position is its key);
-- a report with no recommendation covers every recommendation of its inspection.
SELECT vi_tri AS report_key,
       ma_cuoc_kiem_tra AS inspection_id,
       ma_kien_nghi AS recommendation_id,
       ngay_bao_cao AS reported_on,
       ket_qua AS claim,
       so_van_ban AS document_no,
       tep AS source_file,
       CAST(dong AS INTEGER) AS source_row
FROM raw.kiemtra_bao_cao_khac_phuc
