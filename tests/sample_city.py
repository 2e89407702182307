"""A tiny hand-built city with a few records of every source table, enough for every marts table to hold rows.

    state = build_state(tmp_path / "warehouse" / "cchc-state.duckdb")   # raw tables loaded, every model built

The records are raw source dicts as the systems serve them, validated by the record models as the
connectors do (`marts_support.load_raw`). Used where the marts' shapes matter more than their rules:
the published file read by older DuckDB releases, the Dagster metadata of the marts assets.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from marts_support import DIRECTORY, load_raw
from records import doc, dossier, obligation, outgoing

from storage.sqlmodels import build_all
from storage.state import StateStore

AS_OF = date(2025, 4, 10)
NOI_VU = "000.00.01.H26"


def _task(ma: str, unit: str, han: str, xong: str | None = None) -> dict:
    return {"ma_nhiem_vu": ma, "trich_yeu": None, "van_ban_giao": "61/KH-UBND", "ngay_giao": "02/01/2025",
            "han_hoan_thanh": han, "don_vi_chu_tri": unit, "don_vi_phoi_hop": ["Sở Nội vụ"],
            "tinh_trang": "HOAN_THANH" if xong else "DANG_THUC_HIEN", "ngay_hoan_thanh": xong, "gia_han": [],
            "cap_nhat_luc": "2025-04-01 10:00:00"}


def _at(sheet: str, row: int) -> dict:
    return {"tep": "so-theo-doi.xlsx", "dong": row, "vi_tri": f"so-theo-doi.xlsx › {sheet} › dòng {row}"}


def _petition(pid: int, ngay_nhan: str, xu_ly: str | None) -> dict:
    return {"id": pid, "so_vao_so": f"{pid}/2025", "ngay_nhan": ngay_nhan, "nguon": "TRUC_TIEP",
            "loai_don": "KIEN_NGHI_PHAN_ANH", "ho_ten_nguoi_gui": "Nguyễn Văn An", "cccd_nguoi_gui": "001089012345",
            "dia_chi_nguoi_gui": "Số 1 phố Điện Biên Phủ", "noi_dung": "Nội dung đơn", "co_quan_tiep_nhan_id": 1,
            "co_quan_giai_quyet_id": None, "ngay_xu_ly_don": xu_ly, "huong_xu_ly": None, "ngay_thu_ly": None,
            "lan_giai_quyet": None, "phuc_tap": False, "vung_kho_khan": False, "so_lan_gia_han": 0,
            "ngay_giai_quyet": None, "trang_thai": "DA_XU_LY_DON", "updated_at": "2025-04-01 09:00:00",
            "da_xoa": False}


RECORDS: dict[str, list[dict]] = {
    "directory_don_vi": DIRECTORY,
    "qlvb_van_ban": [doc("D1"), doc("D2", ngay_hoan_thanh="2025-03-25T16:00:00+07:00"),
                     outgoing("O1", ky_so=False), outgoing("O2")],
    "baocao_ky_bao_cao": [obligation(1), obligation(2, nop_lan_dau_luc=None, nop_gan_nhat_luc=None,
                                                      trang_thai="CHUA_NOP")],
    "motcua_ho_so": [dossier("H1"), dossier("H2", NgayKetThucXuLy="20250325100000", NgayTra="20250325143000")],
    "nhiemvu_nhiem_vu": [_task("T1", "UBND quận Ba Đình", "31/03/2025", "02/04/2025"),
                         _task("T2", "Sở Tư pháp", "01/03/2025")],  # a name in no directory: unresolved_units
    "donthu_dm_co_quan": [{"id": 1, "ten": "Sở Nội vụ", "ma_dinh_danh": NOI_VU}],
    "donthu_don_thu": [_petition(1, "2025-03-01", "2025-03-20")],
    "donthu_tiep_cong_dan": [{"id": i, "co_quan_id": 1, "ngay_tiep": day, "vai_tro_chu_tri": "THU_TRUONG",
                              "hinh_thuc": "DINH_KY", "so_luot": 3, "updated_at": "2025-04-01 09:00:00",
                              "da_xoa": False} for i, day in ((1, "2025-03-05"), (2, "2025-01-08"))],
    # the register: Sở Nội vụ's head received citizens in 01 and 03/2025, not in 02, after a deadline of
    # 30/11/2024; it reported the recommendation carried out: overdue, contradicted, a re-inspection candidate
    "kiemtra_cuoc_kiem_tra": [{"ma_cuoc_kiem_tra": "KT-1", "ma_don_vi": NOI_VU, "hinh_thuc": "KE_HOACH",
                               "ngay_bat_dau": "01/10/2024", "ngay_ket_luan": "10/10/2024", "so_ket_luan": "1/KL",
                               **_at("Cuộc kiểm tra", 2)}],
    "kiemtra_kien_nghi": [{"ma_kien_nghi": "KN-1", "ma_cuoc_kiem_tra": "KT-1", "noi_dung_kien_nghi": "Thủ trưởng tiếp công dân",
                           "ma_chi_tieu": "DONTHU_TIEP_DAN_THU_TRUONG", "han_khac_phuc": "30/11/2024",
                           **_at("Kiến nghị", 2)}],
    "kiemtra_bao_cao_khac_phuc": [{"ma_cuoc_kiem_tra": "KT-1", "ngay_bao_cao": "05/12/2024", "ket_qua": "DA_KHAC_PHUC",
                                   **_at("Báo cáo khắc phục", 2)}],
}


def build_state(path: Path, as_of: date = AS_OF) -> dict[str, int]:
    """A state file at `path` holding the records and every model built (closed again); returns the row counts."""
    with StateStore(path) as store:
        for table, records in RECORDS.items():
            load_raw(store.con, table, records)
        return build_all(store.con, as_of)
