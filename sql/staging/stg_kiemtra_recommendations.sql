-- The recommendations of the register: which inspection, the text, the signal it concerns (NULL: none)
-- and the remediation deadline as typed (NULL: none given).
SELECT ma_kien_nghi AS recommendation_id,
       ma_cuoc_kiem_tra AS inspection_id,
       noi_dung_kien_nghi AS text_vi,
       ma_chi_tieu AS signal_code,
       han_khac_phuc AS deadline,
       tep AS source_file,
       CAST(dong AS INTEGER) AS source_row
FROM raw.kiemtra_kien_nghi
