"""Pydantic models of the five city systems' records, exactly as ``spec/sources.md`` defines them.

Each record model parses the raw formats into typed values, rejects anything else with a reason
that never echoes input values, and never holds personal data (undeclared fields are dropped).
Use :func:`validate_record` to validate, :func:`record_id_of` to name a rejected record, and
:func:`storage_row` for what may be written to disk.
"""

from .baocao import KyBaoCao
from .common import (
    ICT,
    UTC,
    SourceItem,
    SourceRecord,
    parse_compact_local,
    parse_ddmmyyyy,
    parse_iso_date,
    parse_iso_offset,
    parse_local_naive,
    parse_utc_z,
    record_id_of,
    redacted_raw,
    storage_row,
    to_local_date,
    validate_record,
)
from .directory import DonVi
from .donthu import CoQuan, DonThu, TiepCongDan
from .motcua import HoSo, HoSoBoSung, LePhi, XinLoi
from .nhiemvu import GiaHan, NhiemVu
from .qlvb import VanBan

MODELS_BY_SYSTEM: dict[str, tuple[type[SourceRecord], ...]] = {
    "directory": (DonVi,),
    "qlvb": (VanBan,),
    "baocao": (KyBaoCao,),
    "motcua": (HoSo,),
    "nhiemvu": (NhiemVu,),
    "donthu": (CoQuan, DonThu, TiepCongDan),
}
"""Record models per system (``SYSTEM``); donthu has one per table."""

MODELS_BY_TABLE: dict[str, type[SourceRecord]] = {
    m.TABLE: m for models in MODELS_BY_SYSTEM.values() for m in models
}
"""Record model per endpoint / table name (``TABLE``): don_vi, van_ban, ky_bao_cao, ho_so,
nhiem_vu, dm_co_quan, don_thu, tiep_cong_dan."""

__all__ = [
    "ICT",
    "UTC",
    "MODELS_BY_SYSTEM",
    "MODELS_BY_TABLE",
    "SourceItem",
    "SourceRecord",
    "DonVi",
    "VanBan",
    "KyBaoCao",
    "HoSo",
    "LePhi",
    "XinLoi",
    "HoSoBoSung",
    "NhiemVu",
    "GiaHan",
    "CoQuan",
    "DonThu",
    "TiepCongDan",
    "parse_ddmmyyyy",
    "parse_compact_local",
    "parse_utc_z",
    "parse_iso_offset",
    "parse_iso_date",
    "parse_local_naive",
    "to_local_date",
    "validate_record",
    "record_id_of",
    "storage_row",
    "redacted_raw",
]
