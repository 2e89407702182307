-- Tasks with their effective deadline: the extension agreed last (on a tie, the later new
-- deadline) sets it, else the original deadline. Units are named as clerks typed them.
SELECT ma_nhiem_vu, trich_yeu, van_ban_giao, ngay_giao, han_hoan_thanh, don_vi_chu_tri, tinh_trang,
       ngay_hoan_thanh, coalesce(len(gia_han), 0) AS extensions,
       coalesce(
           -- structs sort field by field: (agreed on, new deadline) descending puts the winner first
           list_sort([{'agreed': g.ngay_dong_y, 'deadline': g.han_moi} FOR g IN gia_han], 'DESC')[1].deadline,
           han_hoan_thanh) AS effective_deadline,
       cap_nhat_luc
FROM raw.nhiemvu_nhiem_vu
