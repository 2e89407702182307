"""Pydantic models of the five city systems' records, exactly as ``spec/sources.md`` defines them.

Each record model parses the raw formats into typed values, rejects anything else with a reason
that never echoes input values, and never holds personal data (undeclared fields are dropped).
Use :func:`validate_record` to validate, :func:`record_id_of` to name a rejected record, and
:func:`storage_row` for what may be written to disk.

Modules: :mod:`.parsers` (one parser per source date/time format), :mod:`.fields` (the
``Annotated`` field types built on them), :mod:`.base` (the record base classes),
:mod:`.validation` (reasons, ids, redaction), and one module of record models per system.
"""

from core.timezone import ICT, UTC

from .baocao import KyBaoCao
from .base import SourceItem, SourceRecord
from .directory import DonVi
from .donthu import CoQuan, DonThu, TiepCongDan
from .motcua import HoSo, HoSoBoSung, LePhi, XinLoi
from .nhiemvu import GiaHan, NhiemVu
from .parsers import (
    parse_compact_local,
    parse_ddmmyyyy,
    parse_iso_date,
    parse_iso_offset,
    parse_local_naive,
    parse_utc_z,
    to_local_date,
)
from .qlvb import VanBan
from .validation import Rejected, field_value_of, record_id_of, redacted_raw, storage_row, validate_record

__all__ = [
    "ICT",
    "UTC",
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
    "field_value_of",
    "storage_row",
    "redacted_raw",
    "Rejected",
]
