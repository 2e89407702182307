"""The inspection register (sổ theo dõi thanh tra, kiểm tra CCHC) that the inspectors keep in Excel.

Three kinds of rows, one sheet each (`docs/so-theo-doi-kiem-tra.md`): inspections (cuộc kiểm tra),
their recommendations (kiến nghị) and the units' remediation reports (báo cáo khắc phục). Each field
carries the column header the workbook uses (`title`), so the template, the reader and every error
message name the same column. Every row also carries where it was read (`tep`, `dong`, `vi_tri`).

Rows are checked here one by one (values, dates, drop-down choices); what needs other rows or the
unit directory (unknown units, duplicates, dangling references) is checked when the register is
ingested (`ingest.register`).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Any, ClassVar

from pydantic import BeforeValidator, Field, model_validator

from core.vietnamese import percent

from .base import SourceRecord
from .names import search_key
from .signals.catalog import MOTCUA_DUNG_HAN, SIGNAL_CODES

MIN_YEAR, MAX_YEAR = 2000, 2100

INSPECTION_KINDS: dict[str, str] = {
    "KE_HOACH": "Theo kế hoạch có báo trước",
    "DOT_XUAT": "Đột xuất",
    "TAI_KIEM_TRA": "Tái kiểm tra",
}
"""Kinds of inspection: stored code → the label of the workbook's drop-down list."""

EXAMPLE_PREFIX = "VD-"
"""Rows whose inspection code starts with this are the template's examples: never read."""

CLAIMS: dict[str, str] = {
    "DA_KHAC_PHUC": "Đã khắc phục",
    "DANG_KHAC_PHUC": "Đang khắc phục",
}
"""What a unit's remediation report claims: stored code → the label of the drop-down list."""


# --------------------------------------------------------------------------- cell parsers

_DMY = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_YMD = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def parse_register_date(value: Any) -> date | None:
    """An Excel date cell, or text `dd/mm/yyyy` (or `yyyy-mm-dd`); blank is no date."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        if value.time() != datetime.min.time():
            raise ValueError("là ngày giờ; cần một ngày (dd/mm/yyyy)")
        value = value.date()
    if isinstance(value, date):
        found = value
    elif isinstance(value, str):
        text = value.strip()
        if match := _DMY.fullmatch(text):
            day, month, year = (int(g) for g in match.groups())
        elif match := _YMD.fullmatch(text):
            year, month, day = (int(g) for g in match.groups())
        else:
            raise ValueError("không phải ngày; cần ngày dạng dd/mm/yyyy")
        try:
            found = date(year, month, day)
        except ValueError:
            raise ValueError("là ngày không có thật (ngày, tháng không hợp lệ)") from None
    else:
        raise ValueError("không phải ngày; cần ngày dạng dd/mm/yyyy")
    if not MIN_YEAR <= found.year <= MAX_YEAR:
        raise ValueError(f"có năm ngoài khoảng {MIN_YEAR}–{MAX_YEAR}")
    return found


def _required_date(value: Any) -> date:
    found = parse_register_date(value)
    if found is None:
        raise ValueError("bị bỏ trống; cần ngày dạng dd/mm/yyyy")
    return found


def _text(value: Any) -> str | None:
    """A cell as text: numbers typed into a text column (a document number 123) become '123'."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError("không phải văn bản")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, (int, float)):
        value = str(value)
    if not isinstance(value, str):
        raise ValueError("không phải văn bản")
    text = " ".join(value.split())
    return text or None


def _required_text(value: Any) -> str:
    text = _text(value)
    if text is None:
        raise ValueError("bị bỏ trống")
    return text


def _choice(options: dict[str, str], what: str):
    """A drop-down cell: its label (tone marks and case aside) or its code, stored as the code."""
    by_key = {search_key(label): code for code, label in options.items()} | {search_key(c): c for c in options}

    def parse(value: Any) -> str:
        text = _text(value)
        if text is None:
            raise ValueError("bị bỏ trống; chọn " + what + " trong danh sách: " + "; ".join(options.values()))
        code = by_key.get(search_key(text))
        if code is None:
            raise ValueError("không có trong danh sách " + what + ": " + "; ".join(options.values()))
        return code

    return parse


def _signal_code(value: Any) -> str | None:
    text = _text(value)
    if text is None:
        return None
    code = text.upper()
    if code not in SIGNAL_CODES:
        raise ValueError("không phải mã chỉ tiêu; các mã hợp lệ ở trang Hướng dẫn và trong danh sách chọn")
    return code


RegisterDate = Annotated[date, BeforeValidator(_required_date)]
OptRegisterDate = Annotated[date | None, BeforeValidator(parse_register_date)]
Text = Annotated[str, BeforeValidator(_required_text)]
OptText = Annotated[str | None, BeforeValidator(_text)]
SignalCode = Annotated[str | None, BeforeValidator(_signal_code)]
InspectionKind = Annotated[str, BeforeValidator(_choice(INSPECTION_KINDS, "hình thức"))]
Claim = Annotated[str, BeforeValidator(_choice(CLAIMS, "kết quả"))]


# --------------------------------------------------------------------------- the rows


class RegisterRow(SourceRecord):
    """Where a row was read: the workbook's file name (no folder), the sheet row, and both as one label."""

    SHEET: ClassVar[str]
    EXAMPLE: ClassVar[dict[str, Any]]  # the filled example row of the template, by field

    tep: str
    dong: int
    vi_tri: str

    @classmethod
    def columns(cls) -> dict[str, str]:
        """Field → column header, in the workbook's column order."""
        return {name: f.title for name, f in cls.model_fields.items() if f.title}

    @classmethod
    def date_fields(cls) -> list[str]:
        return [name for name, f in cls.model_fields.items() if f.title and f.annotation in (date, date | None)]

    @classmethod
    def required_columns(cls) -> list[str]:
        return [f.title for f in cls.model_fields.values() if f.title and f.is_required()]


class CuocKiemTra(RegisterRow):
    """One inspection of one unit."""

    SHEET: ClassVar[str] = "Cuộc kiểm tra"
    ID_FIELD: ClassVar[str] = "ma_cuoc_kiem_tra"
    EXAMPLE: ClassVar[dict[str, Any]] = {
        "ma_cuoc_kiem_tra": "VD-KT-2025-001", "ma_don_vi": "", "ten_don_vi": "Sở Nội vụ",
        "hinh_thuc": "Theo kế hoạch có báo trước", "ngay_bat_dau": date(2025, 5, 12),
        "ngay_ket_thuc": date(2025, 5, 16), "truong_doan": "Trưởng phòng CCHC, Sở Nội vụ",
        "so_ket_luan": "125/KL-SNV", "ngay_ket_luan": date(2025, 6, 2)}

    ma_cuoc_kiem_tra: Text = Field(title="Mã cuộc kiểm tra")
    ma_don_vi: OptText = Field(None, title="Mã đơn vị")
    ten_don_vi: OptText = Field(None, title="Tên đơn vị")
    hinh_thuc: InspectionKind = Field(title="Hình thức")
    ngay_bat_dau: RegisterDate = Field(title="Ngày bắt đầu")
    ngay_ket_thuc: OptRegisterDate = Field(None, title="Ngày kết thúc")
    truong_doan: OptText = Field(None, title="Trưởng đoàn")
    so_ket_luan: OptText = Field(None, title="Số kết luận")
    ngay_ket_luan: OptRegisterDate = Field(None, title="Ngày kết luận")

    @model_validator(mode="after")
    def _consistent(self) -> CuocKiemTra:
        if self.ma_don_vi is None and self.ten_don_vi is None:
            raise ValueError("cột 'Mã đơn vị' và 'Tên đơn vị' đều trống; cần mã hoặc tên đơn vị được kiểm tra")
        if self.ngay_ket_thuc is not None and self.ngay_ket_thuc < self.ngay_bat_dau:
            raise ValueError("cột 'Ngày kết thúc': trước 'Ngày bắt đầu'")
        if self.ngay_ket_luan is not None and self.ngay_ket_luan < self.ngay_bat_dau:
            raise ValueError("cột 'Ngày kết luận': trước 'Ngày bắt đầu'")
        if self.so_ket_luan is not None and self.ngay_ket_luan is None:
            raise ValueError("cột 'Ngày kết luận': bị bỏ trống trong khi đã có 'Số kết luận'")
        return self


class KienNghi(RegisterRow):
    """One recommendation of an inspection's conclusion, optionally about one signal."""

    SHEET: ClassVar[str] = "Kiến nghị"
    ID_FIELD: ClassVar[str] = "ma_kien_nghi"
    EXAMPLE: ClassVar[dict[str, Any]] = {
        "ma_kien_nghi": "VD-KT-2025-001/KN-01", "ma_cuoc_kiem_tra": "VD-KT-2025-001",
        "noi_dung_kien_nghi": "Chấn chỉnh việc giải quyết hồ sơ quá hạn; bảo đảm tỷ lệ đúng hạn từ "
                              f"{percent(MOTCUA_DUNG_HAN.threshold, 0)} trở lên.",
        "ma_chi_tieu": MOTCUA_DUNG_HAN.code, "han_khac_phuc": date(2025, 9, 30)}

    ma_kien_nghi: Text = Field(title="Mã kiến nghị")
    ma_cuoc_kiem_tra: Text = Field(title="Mã cuộc kiểm tra")
    noi_dung_kien_nghi: Text = Field(title="Nội dung kiến nghị")
    ma_chi_tieu: SignalCode = Field(None, title="Mã chỉ tiêu")
    han_khac_phuc: OptRegisterDate = Field(None, title="Hạn khắc phục")


class BaoCaoKhacPhuc(RegisterRow):
    """A unit's report on how it carried out the recommendations (one, or all of an inspection's)."""

    SHEET: ClassVar[str] = "Báo cáo khắc phục"
    ID_FIELD: ClassVar[str] = "vi_tri"  # a report has no number of its own: its row names it
    EXAMPLE: ClassVar[dict[str, Any]] = {
        "ma_cuoc_kiem_tra": "VD-KT-2025-001", "ma_kien_nghi": "VD-KT-2025-001/KN-01", "ngay_bao_cao": date(2025, 10, 6),
        "ket_qua": "Đã khắc phục", "so_van_ban": "2150/BC-SNV"}

    ma_cuoc_kiem_tra: Text = Field(title="Mã cuộc kiểm tra")
    ma_kien_nghi: OptText = Field(None, title="Mã kiến nghị")
    ngay_bao_cao: RegisterDate = Field(title="Ngày báo cáo")
    ket_qua: Claim = Field(title="Kết quả đơn vị báo cáo")
    so_van_ban: OptText = Field(None, title="Số văn bản")


REGISTER_ROWS: tuple[type[RegisterRow], ...] = (CuocKiemTra, KienNghi, BaoCaoKhacPhuc)
