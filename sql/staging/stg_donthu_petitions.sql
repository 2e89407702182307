-- Live petitions (not soft-deleted). Personal data and free text were never stored.
SELECT id, so_vao_so, ngay_nhan, nguon, loai_don, co_quan_tiep_nhan_id, co_quan_giai_quyet_id,
       coalesce(co_quan_giai_quyet_id, co_quan_tiep_nhan_id) AS resolving_agency_id,
       ngay_xu_ly_don, huong_xu_ly, ngay_thu_ly, lan_giai_quyet, phuc_tap, vung_kho_khan, so_lan_gia_han,
       ngay_giai_quyet, trang_thai, updated_at
FROM raw.donthu_don_thu
WHERE NOT da_xoa
