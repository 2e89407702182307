-- Documents that count: live (not soft-deleted) and not classified, with local dates. Classified
-- documents carry no subject or number anyway; here they are left out of every signal.
SELECT id, chieu, so_ky_hieu, ma_loai, trich_yeu, ma_don_vi, ma_don_vi_lien_quan, ngay_ky,
       thoi_diem, local_date(thoi_diem) AS thoi_diem_date, do_khan, hinh_thuc, ky_so, han_xu_ly, trang_thai,
       ngay_hoan_thanh, local_date(ngay_hoan_thanh) AS ngay_hoan_thanh_date, cap_nhat_luc
FROM raw.qlvb_van_ban
WHERE NOT da_xoa AND do_mat = 'THUONG'
