"""Rows of the City Inspectorate's petitions database (read with SQLAlchemy).

Values may already be ``date``/``datetime`` objects or ISO strings (SQLite); booleans may be
0/1 integers; ``updated_at`` is naive local time and becomes aware in ICT. The sender's personal
data and the free-text content (``ho_ten_nguoi_gui``, ``cccd_nguoi_gui``, ``dia_chi_nguoi_gui``,
``noi_dung``) are deliberately not declared, so validation drops them.
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Literal

from pydantic import BeforeValidator

from .base import SourceRecord
from .fields import (
    DbBool,
    DbDate,
    DbLocalTimestamp,
    IntId,
    NonEmptyStr,
    OptDbDate,
    OptInt,
    UnitRef,
    coerce_int,
    empty_to_none,
)

NguonDon = Literal["TRUC_TIEP", "BUU_CHINH", "CHUYEN_DEN", "HOP_THU_DIEN_TU"]
LoaiDon = Literal["KHIEU_NAI", "TO_CAO", "KIEN_NGHI_PHAN_ANH"]
HuongXuLy = Literal["THU_LY", "CHUYEN_DON", "HUONG_DAN", "LUU_DON"]
TrangThaiDon = Literal["MOI_NHAN", "DA_XU_LY_DON", "DANG_GIAI_QUYET", "DA_GIAI_QUYET", "RUT_DON"]
VaiTroChuTri = Literal["THU_TRUONG", "CAP_PHO", "CAN_BO"]
HinhThucTiep = Literal["DINH_KY", "DOT_XUAT", "THUONG_XUYEN"]

PERSONAL_FIELDS = frozenset({"ho_ten_nguoi_gui", "cccd_nguoi_gui", "dia_chi_nguoi_gui", "noi_dung"})


def check_lan_giai_quyet(value: Any) -> int | None:
    """Complaint round: 1, 2 or null. Anything else makes the row invalid (signals.md)."""
    if value is None or value == "":
        return None
    n = coerce_int(value)
    if n not in (1, 2):
        raise ValueError("must be 1, 2 or null")
    return n


def check_so_lan_gia_han(value: Any) -> int:
    """Extensions granted to a denunciation: 0 to 2. Anything else makes the row invalid."""
    if value is None or value == "":
        raise ValueError("missing value")
    n = coerce_int(value)
    if not 0 <= n <= 2:
        raise ValueError("must be between 0 and 2")
    return n


def _non_negative_int(value: Any) -> int:
    if value is None or value == "":
        raise ValueError("missing value")
    n = coerce_int(value)
    if n < 0:
        raise ValueError("must not be negative")
    return n


class CoQuan(SourceRecord):
    """A row of ``dm_co_quan``: the Inspectorate's own agency list.

    ``ma_dinh_danh`` is a reference to the directory, so it is not pattern-checked.
    """

    ID_FIELD: ClassVar[str] = "id"

    id: IntId
    ten: NonEmptyStr
    ma_dinh_danh: UnitRef = None


class DonThu(SourceRecord):
    """A row of ``don_thu``: one petition received."""

    ID_FIELD: ClassVar[str] = "id"
    PERSONAL_FIELDS: ClassVar[frozenset[str]] = PERSONAL_FIELDS

    id: IntId
    so_vao_so: str | None = None
    ngay_nhan: DbDate
    nguon: NguonDon
    loai_don: LoaiDon
    co_quan_tiep_nhan_id: OptInt = None
    co_quan_giai_quyet_id: OptInt = None
    ngay_xu_ly_don: OptDbDate = None
    huong_xu_ly: Annotated[HuongXuLy | None, BeforeValidator(empty_to_none)] = None
    ngay_thu_ly: OptDbDate = None
    lan_giai_quyet: Annotated[int | None, BeforeValidator(check_lan_giai_quyet)] = None
    phuc_tap: DbBool
    vung_kho_khan: DbBool
    so_lan_gia_han: Annotated[int, BeforeValidator(check_so_lan_gia_han)]
    ngay_giai_quyet: OptDbDate = None
    trang_thai: TrangThaiDon
    updated_at: DbLocalTimestamp
    da_xoa: DbBool


class TiepCongDan(SourceRecord):
    """A row of ``tiep_cong_dan``: one citizen-reception session."""

    ID_FIELD: ClassVar[str] = "id"

    id: IntId
    co_quan_id: OptInt = None
    ngay_tiep: DbDate
    vai_tro_chu_tri: VaiTroChuTri
    hinh_thuc: HinhThucTiep
    so_luot: Annotated[int, BeforeValidator(_non_negative_int)]
    updated_at: DbLocalTimestamp
    da_xoa: DbBool
