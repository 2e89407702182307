-- Reporting obligations with their deadline's local date (a deadline at 17:00:00Z is the next local day).
SELECT id, ma_bao_cao, ten_bao_cao, ky_bao_cao, ma_don_vi, ngay_chot_so_lieu, han_nop,
       local_date(han_nop) AS han_nop_date, nop_lan_dau_luc, nop_gan_nhat_luc, trang_thai, updated_at
FROM raw.baocao_ky_bao_cao
