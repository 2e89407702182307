"""Dossiers (``GET /motcua/v1/ho-so``) of the one-stop shop, in the national portal's format.

Dates are local ``yyyyMMddHHmmss`` strings; ``""`` means no value, in text fields too. The applicant's
personal data (``ChuHoSo``, ``SoGiayToChuHoSo``, ``SoDienThoai``, ``Email``, ``DiaChi``) is
deliberately not declared, so validation drops it.
"""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from .base import SourceItem, SourceRecord
from .fields import (
    CompactLocal,
    NonEmptyStr,
    NonNegNumber,
    NullAsEmptyList,
    OptCompactLocal,
    OptText,
    UnitRef,
)

KenhThucHienCode = Literal["1", "2", "3"]
TrangThaiHoSoCode = Literal["1", "2", "3", "4", "5", "6", "7", "8", "9", "10"]
DuocThanhToanTrucTuyenCode = Literal["0", "1", "2"]
HoSoCoThanhPhanSoHoaCode = Literal["0", "1"]

PERSONAL_FIELDS = frozenset({"ChuHoSo", "SoGiayToChuHoSo", "SoDienThoai", "Email", "DiaChi"})


class LePhi(SourceItem):
    """A fee line; the dossier is fee-bearing when some line has ``Gia`` > 0."""

    MaPhiLePhi: OptText = None
    TenPhiLePhi: OptText = None
    Gia: NonNegNumber


class XinLoi(SourceItem):
    """An apology-and-reschedule letter."""

    NgayXinLoi: OptCompactLocal = None
    NgayHenTraMoi: OptCompactLocal = None
    LyDo: OptText = None


class HoSoBoSung(SourceItem):
    """A supplement request (information only)."""

    NgayYeuCau: OptCompactLocal = None
    NgayHenTraTruoc: OptCompactLocal = None
    NgayHenTraMoi: OptCompactLocal = None


class HoSo(SourceRecord):
    """One dossier."""

    ID_FIELD: ClassVar[str] = "MaHoSo"
    PERSONAL_FIELDS: ClassVar[frozenset[str]] = PERSONAL_FIELDS

    MaHoSo: NonEmptyStr
    MaTTHC: OptText = None
    TenTTHC: OptText = None
    MaLinhVuc: OptText = None
    MaDonVi: UnitRef = None
    KenhThucHien: KenhThucHienCode
    NgayTiepNhan: OptCompactLocal = None
    NgayHenTra: OptCompactLocal = None
    NgayKetThucXuLy: OptCompactLocal = None
    NgayTra: OptCompactLocal = None
    TrangThaiHoSo: TrangThaiHoSoCode
    DanhSachLePhi: Annotated[list[LePhi], NullAsEmptyList] = []
    DuocThanhToanTrucTuyen: DuocThanhToanTrucTuyenCode
    HoSoCoThanhPhanSoHoa: HoSoCoThanhPhanSoHoaCode
    DanhSachHoSoBoSung: Annotated[list[HoSoBoSung], NullAsEmptyList] = []
    DanhSachXinLoi: Annotated[list[XinLoi], NullAsEmptyList] = []
    NgayCapNhat: CompactLocal
