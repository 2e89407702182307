-- Live citizen-reception sessions (not soft-deleted).
SELECT id, co_quan_id, ngay_tiep, vai_tro_chu_tri, hinh_thuc, so_luot, updated_at
FROM raw.donthu_tiep_cong_dan
WHERE NOT da_xoa
