"""Reporting obligations (``GET /baocao/v1/ky-bao-cao``). All times are UTC (``Z``)."""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Literal

from pydantic import BeforeValidator, Field

from .base import SourceRecord
from .fields import IntId, OptIsoDate, OptUtcZ, UnitRef, UtcZ
from .parsers import MAX_YEAR, MIN_YEAR, YEAR_OUT_OF_RANGE

TrangThaiBaoCao = Literal["CHUA_NOP", "DA_NOP", "TRA_LAI", "DA_DUYET"]

KNOWN_MA_BAO_CAO = frozenset({"CCHC_QUY", "CCHC_6T", "CCHC_9T", "CCHC_NAM", "KH_TU_KIEM_TRA"})
"""Report codes sources.md names. The list is open ("includes"), so any code of the same
shape is accepted; this set is for reference."""

MA_BAO_CAO_PATTERN = r"^[A-Z0-9_]+$"

_KY_MSG = "expected YYYY-MM, YYYY-Qn, YYYY-H1, YYYY-9T or YYYY"


def check_ky_bao_cao(value: Any) -> str:
    """Validate a reporting period code; returns it unchanged."""
    if type(value) is not str:
        raise ValueError(_KY_MSG)
    year, rest = value[:4], value[4:]
    if len(year) != 4 or not (year.isascii() and year.isdigit()):
        raise ValueError(_KY_MSG)
    if rest == "" or rest == "-H1" or rest == "-9T":
        pass
    elif len(rest) == 3 and rest[:2] == "-Q" and rest[2] in ("1", "2", "3", "4"):
        pass
    elif len(rest) == 3 and rest[0] == "-" and rest[1:] in _MONTHS:
        pass
    else:
        raise ValueError(_KY_MSG)
    if not MIN_YEAR <= int(year) <= MAX_YEAR:
        raise ValueError(YEAR_OUT_OF_RANGE)
    return value


_MONTHS = frozenset(f"{m:02d}" for m in range(1, 13))


class KyBaoCao(SourceRecord):
    """One reporting obligation of one unit for one period."""

    ID_FIELD: ClassVar[str] = "id"

    id: IntId
    ma_bao_cao: Annotated[str, Field(pattern=MA_BAO_CAO_PATTERN)]
    ten_bao_cao: str | None = None
    ky_bao_cao: Annotated[str, BeforeValidator(check_ky_bao_cao)]
    ma_don_vi: UnitRef = None
    ngay_chot_so_lieu: OptIsoDate = None
    han_nop: UtcZ
    nop_lan_dau_luc: OptUtcZ = None
    nop_gan_nhat_luc: OptUtcZ = None
    trang_thai: TrangThaiBaoCao
    updated_at: UtcZ
