-- The inspections of the register (sổ theo dõi kiểm tra), as the inspectors typed them: the unit's code
-- and name (an empty string is no value), kind, dates, and the reference date the remediation rules
-- count from: the conclusion date, else the end date, else the start date.
SELECT ma_cuoc_kiem_tra AS inspection_id,
       nullif(trim(ma_don_vi), '') AS typed_unit_code,
       nullif(trim(ten_don_vi), '') AS typed_unit_name,
       hinh_thuc AS kind,
       ngay_bat_dau AS started_on,
       ngay_ket_thuc AS ended_on,
       truong_doan AS team_lead,
       so_ket_luan AS conclusion_no,
       ngay_ket_luan AS conclusion_date,
       coalesce(ngay_ket_luan, ngay_ket_thuc, ngay_bat_dau) AS reference_date,
       tep AS source_file,
       CAST(dong AS INTEGER) AS source_row,
       vi_tri AS source_position
FROM raw.kiemtra_cuoc_kiem_tra
