"""Raw records of the three gateway systems as their contract shows them (spec/sources.md), for
hand-built test cities: each builder gives a typical record, `overrides` change what a case needs."""

from __future__ import annotations

BA_DINH = "000.00.12.H26"


def doc(id_: str, **overrides) -> dict:
    """A qlvb document as the gateway serves it: an incoming one, live, not classified, due 22/03/2025."""
    raw = {"id": id_, "chieu": "DEN", "so_ky_hieu": "1234/UBND-KSTTHC", "ma_loai": "CV",
           "trich_yeu": "V/v đôn đốc cải cách hành chính", "ma_don_vi": BA_DINH, "ma_don_vi_lien_quan": "000.00.00.H26",
           "ngay_ky": "2025-03-14", "thoi_diem": "2025-03-15T08:30:00+07:00", "do_mat": "THUONG", "do_khan": "KHAN",
           "hinh_thuc": "DIEN_TU", "ky_so": True, "han_xu_ly": "2025-03-22", "trang_thai": "DA_XU_LY",
           "ngay_hoan_thanh": "2025-03-20T16:00:00+07:00", "cap_nhat_luc": "2025-03-20T16:00:01+07:00",
           "da_xoa": False}
    return raw | overrides


def outgoing(id_: str, **overrides) -> dict:
    return doc(id_, **({"chieu": "DI", "so_ky_hieu": "56/QĐ-UBND", "ma_loai": "QD", "han_xu_ly": None,
                        "ngay_hoan_thanh": None, "trang_thai": "DA_XU_LY"} | overrides))


def obligation(id_: int, **overrides) -> dict:
    """A baocao obligation (UTC times): due 2025-03-18T10:00:00Z = 17:00 18/03/2025 local."""
    raw = {"id": id_, "ma_bao_cao": "CCHC_QUY", "ten_bao_cao": "Báo cáo công tác cải cách hành chính quý",
           "ky_bao_cao": "2025-Q1", "ma_don_vi": BA_DINH, "ngay_chot_so_lieu": "2025-03-14",
           "han_nop": "2025-03-18T10:00:00Z", "nop_lan_dau_luc": "2025-03-17T02:15:00Z",
           "nop_gan_nhat_luc": "2025-03-17T02:15:00Z", "trang_thai": "DA_DUYET", "updated_at": "2025-04-01T01:00:00Z"}
    return raw | overrides


def dossier(id_: str, **overrides) -> dict:
    """A motcua dossier (local yyyyMMddHHmmss, "" = none): received 15/03, due 17:00 22/03, ended 21/03,
    in person, no fee, not digitised, no apology, status 10 (result returned)."""
    raw = {"MaHoSo": id_, "MaTTHC": "1.001193", "TenTTHC": "Đăng ký khai sinh", "MaLinhVuc": "HOTICH",
           "MaDonVi": BA_DINH, "KenhThucHien": "1", "ChuHoSo": "Nguyễn Văn A", "SoGiayToChuHoSo": "001089000000",
           "SoDienThoai": "0900000000", "Email": "a@example.vn", "DiaChi": "Hà Nội",
           "NgayTiepNhan": "20250315083000", "NgayHenTra": "20250322170000", "NgayKetThucXuLy": "20250321100000",
           "NgayTra": "20250321143000", "TrangThaiHoSo": "10", "DanhSachLePhi": [], "DuocThanhToanTrucTuyen": "0",
           "HoSoCoThanhPhanSoHoa": "0", "DanhSachHoSoBoSung": [], "DanhSachXinLoi": [],
           "NgayCapNhat": "20250321143001"}
    return raw | overrides


def fee(gia) -> dict:
    return {"MaPhiLePhi": "LP01", "TenPhiLePhi": "Lệ phí", "Gia": gia}


def apology(at: str) -> dict:
    return {"NgayXinLoi": at, "NgayHenTraMoi": "20250328170000", "LyDo": "Cần xác minh thêm"}
