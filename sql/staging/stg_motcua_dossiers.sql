-- One-stop-shop dossiers with the facts the national service index needs: received, finished,
-- fee-bearing, an apology sent no later than the appointment, and local dates.
SELECT "MaHoSo" AS ma_ho_so, "MaTTHC" AS ma_tthc, "TenTTHC" AS ten_tthc, "MaDonVi" AS ma_don_vi,
       "KenhThucHien" AS kenh, "TrangThaiHoSo" AS trang_thai,
       "NgayTiepNhan" AS ngay_tiep_nhan, local_date("NgayTiepNhan") AS ngay_tiep_nhan_date,
       "NgayHenTra" AS ngay_hen_tra, local_date("NgayHenTra") AS ngay_hen_tra_date,
       "NgayKetThucXuLy" AS ngay_ket_thuc, local_date("NgayKetThucXuLy") AS ngay_ket_thuc_date,
       "NgayTra" AS ngay_tra, "DuocThanhToanTrucTuyen" AS thanh_toan, "HoSoCoThanhPhanSoHoa" AS so_hoa,
       "NgayTiepNhan" IS NOT NULL AND "TrangThaiHoSo" NOT IN ('1', '3') AS is_received,
       "TrangThaiHoSo" IN ('9', '10') AND "NgayKetThucXuLy" IS NOT NULL AND "NgayHenTra" IS NOT NULL AS is_finished,
       coalesce(list_sum([f."Gia" FOR f IN "DanhSachLePhi" IF f."Gia" > 0]), 0) AS fee_total,
       coalesce(len([f FOR f IN "DanhSachLePhi" IF f."Gia" > 0]), 0) > 0 AS is_fee_bearing,
       coalesce(len([a FOR a IN "DanhSachXinLoi"
                     IF a."NgayXinLoi" IS NOT NULL AND a."NgayXinLoi" <= "NgayHenTra"]), 0) > 0 AS apology_in_time,
       coalesce(len("DanhSachXinLoi"), 0) AS apologies,
       "NgayCapNhat" AS ngay_cap_nhat
FROM raw.motcua_ho_so
