"""Units directory (``GET /qlvb/v1/don-vi``): the master list of units for every system."""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from pydantic import Field

from .base import SourceRecord
from .fields import NonEmptyStr, OptUnitValidityDate, TextList, UnitRef, UnitValidityDate

LoaiDonVi = Literal["UBND_TP", "SO", "UBND_HUYEN", "UBND_XA", "DVSN"]
UNIT_TYPE_VI: dict[str, str] = {"UBND_TP": "UBND Thành phố", "SO": "Sở, ban, ngành", "UBND_HUYEN": "UBND cấp huyện",
                                "UBND_XA": "UBND cấp xã", "DVSN": "Đơn vị sự nghiệp"}
"""Each unit type (`loai`) as inspectors read it."""

MA_DINH_DANH_PATTERN = r"^[0-9]{3}\.[0-9]{2}\.[0-9]{2}\.H[0-9]{2}$"
"""Organisation identifier code (Decision 20/2020/QĐ-TTg), e.g. ``000.00.12.H26``.

ASCII digits on purpose: ``\\d`` would also accept other scripts' digits."""


class DonVi(SourceRecord):
    """One unit. Only the directory's own code is pattern-checked; ``ma_cha`` is a reference."""

    ID_FIELD: ClassVar[str] = "ma_dinh_danh"

    ma_dinh_danh: Annotated[str, Field(pattern=MA_DINH_DANH_PATTERN)]
    ten: NonEmptyStr
    loai: LoaiDonVi
    ma_cha: UnitRef = None
    ten_khac: TextList = []
    hieu_luc_tu: UnitValidityDate
    hieu_luc_den: OptUnitValidityDate = None
