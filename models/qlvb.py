"""Documents (``GET /qlvb/v1/van-ban``) of the document management system."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Literal

from pydantic import StrictBool

from .base import SourceRecord
from .fields import IsoOffset, NonEmptyStr, OptIsoDate, OptIsoOffset, UnitRef

Chieu = Literal["DEN", "DI"]
MaLoai = Literal["CV", "QD", "KH", "BC", "TB", "TTr", "GM", "CT"]
DoKhan = Literal["THUONG", "KHAN", "THUONG_KHAN", "HOA_TOC"]
DoMat = Literal["THUONG", "MAT", "TOI_MAT", "TUYET_MAT"]
HinhThucVanBan = Literal["DIEN_TU", "GIAY"]
TrangThaiVanBan = Literal["CHUA_XU_LY", "DANG_XU_LY", "DA_XU_LY"]

CLASSIFIED_FIELDS = frozenset({"trich_yeu", "so_ky_hieu"})
"""Fields of a classified document that must never be stored anywhere."""


def is_classified(raw: Mapping[str, Any]) -> bool:
    """Anything but an explicit ``do_mat`` THUONG is treated as classified (fail closed)."""
    return VanBan.withholds(raw)


class VanBan(SourceRecord):
    """One incoming (DEN) or outgoing (DI) document; tombstones (``da_xoa``) are kept."""

    ID_FIELD: ClassVar[str] = "id"
    # the subject line and number of a classified document never enter the model
    WITHHELD_FIELDS: ClassVar[frozenset[str]] = CLASSIFIED_FIELDS
    KEPT_WHEN: ClassVar[tuple[str, Any]] = ("do_mat", "THUONG")

    id: NonEmptyStr
    chieu: Chieu
    so_ky_hieu: str | None = None
    ma_loai: MaLoai
    trich_yeu: str | None = None
    ma_don_vi: UnitRef = None
    ma_don_vi_lien_quan: UnitRef = None
    ngay_ky: OptIsoDate = None
    thoi_diem: IsoOffset
    do_mat: DoMat
    do_khan: DoKhan
    hinh_thuc: HinhThucVanBan
    ky_so: StrictBool
    han_xu_ly: OptIsoDate = None
    trang_thai: TrangThaiVanBan
    ngay_hoan_thanh: OptIsoOffset = None
    cap_nhat_luc: IsoOffset
    da_xoa: StrictBool
