"""Tasks assigned by the city PC (``GET /nhiemvu/v1/nhiem-vu``).

Dates are ``dd/MM/yyyy``; ``cap_nhat_luc`` is local ``yyyy-MM-dd HH:mm:ss``. Units are *named*
(typed by clerks), not coded: ``don_vi_chu_tri`` is kept exactly as typed and resolved later.
"""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from .base import SourceItem, SourceRecord
from .fields import DdMmYyyy, LocalNaive, NonEmptyStr, NullAsEmptyList, OptDdMmYyyy, TextList, UnitRef

TinhTrang = Literal["DANG_THUC_HIEN", "HOAN_THANH", "DUNG_THUC_HIEN"]


class GiaHan(SourceItem):
    """An approved extension; both dates are needed to pick the effective deadline."""

    han_moi: DdMmYyyy
    ngay_dong_y: DdMmYyyy


class NhiemVu(SourceRecord):
    """One task."""

    ID_FIELD: ClassVar[str] = "ma_nhiem_vu"

    ma_nhiem_vu: NonEmptyStr
    trich_yeu: str | None = None
    van_ban_giao: str | None = None
    ngay_giao: DdMmYyyy
    han_hoan_thanh: OptDdMmYyyy = None
    don_vi_chu_tri: UnitRef = None
    don_vi_phoi_hop: TextList = []
    tinh_trang: TinhTrang
    ngay_hoan_thanh: OptDdMmYyyy = None
    gia_han: Annotated[list[GiaHan], NullAsEmptyList] = []
    cap_nhat_luc: LocalNaive
