"""The inspection register, checked row against row and against the unit directory before it is stored.

The workbooks are small (hundreds of rows), so the whole register is read first, then every row is
checked: its own values (the record models), then what needs the others — the unit it names (by
code, or by name with the spec's name key, the closest directory names offered when none matches),
duplicate ids (the first occurrence is kept), recommendations and reports that point to no
inspection, dates in the future or before the conclusion. A bad row becomes a `Rejected` whose
reason holds **every** problem of the row, one line each (`PROBLEM_SEPARATOR`), each naming file, sheet,
row and column and what was expected — the rules that need a value the row does not hold are left out —
so one look at the list is enough to fix the row; the good rows go on to the sync.
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime

from pydantic import ValidationError

from connectors.pages import Fetch
from connectors.workbooks import WorkbookFolder
from core.errors import StateError
from models.names import name_key, search_key
from models.register import BaoCaoKhacPhuc, CuocKiemTra, KienNghi, RegisterRow
from models.signals import SIGNAL_CODES
from models.validation import Rejected, field_value_of
from storage.state import StateStore

Row = dict | Rejected
PROBLEM_SEPARATOR = "\n"
"""Between the problems of one rejected row (each a whole line naming its file, sheet, row and column)."""


@dataclass(frozen=True)
class DirectoryUnit:
    code: str
    name: str
    valid_from: date
    valid_to: date | None


@dataclass
class Directory:
    """The units inspections may name: by code, and by every name key of their names and aliases."""

    units: dict[str, DirectoryUnit] = field(default_factory=dict)
    by_key: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    names: dict[str, str] = field(default_factory=dict)  # search key of a name → its unit's code

    @classmethod
    def from_store(cls, store: StateStore, table: str) -> Directory:
        rows = store.con.execute(f"SELECT ma_dinh_danh, ten, ten_khac, hieu_luc_tu, hieu_luc_den FROM raw.{table}")
        directory = cls.from_units(rows.fetchall())
        if not directory.units:  # every row would be refused for an unknown unit: say why instead
            raise StateError("the unit directory has not been synced yet, so the inspection register's units "
                             "cannot be checked", "run a full refresh (the directory is read first)")
        return directory

    @classmethod
    def from_units(cls, rows) -> Directory:
        """From (code, name, aliases, valid from, valid to) rows: the raw directory, or the published
        `marts.units` (unit_code, unit_name, aliases, valid_from, valid_to), which checks an uploaded
        workbook exactly as the refresh will."""
        directory = cls()
        for code, name, aliases, valid_from, valid_to in rows:
            directory.add(DirectoryUnit(code, name, valid_from, valid_to), aliases or [])
        return directory

    def add(self, unit: DirectoryUnit, aliases: list[str]) -> None:
        self.units[unit.code] = unit
        for name in (unit.name, *aliases):
            if (key := name_key(name)) is not None:
                self.by_key[key].add(unit.code)
                self.names.setdefault(search_key(name), unit.code)

    def closest_names(self, typed: str, n: int = 3) -> list[str]:
        """Up to n units whose names come closest to a typed name (diacritics aside), as 'name (code)'."""
        found = difflib.get_close_matches(search_key(typed), list(self.names), n=4 * n, cutoff=0.6)
        codes = list(dict.fromkeys(self.names[k] for k in found))[:n]
        return [f"{self.units[c].name} ({c})" for c in codes]


def register_fetch(folder: WorkbookFolder, directory: Directory, as_of: date) -> Fetch:
    """The register's rows for the sync: the good ones as read, the bad ones as `Rejected` with a reason."""

    def pages(_lo: datetime, _hi: datetime) -> Iterator[tuple[str, list]]:
        read: dict[str, list[Row]] = {t.name: [] for t in folder.system.tables}
        for table, rows in folder.read():
            read[table].extend(rows)
        checked = RegisterCheck(directory, as_of, {t.name: t.model for t in folder.system.tables}).check(read)
        for table, rows in checked.items():
            if rows:
                yield table, rows

    return pages


def _where(raw: dict, sheet: str) -> str:
    return f"Tệp {raw['tep']}, trang '{sheet}', dòng {raw['dong']}"


def _vn(d: date) -> str:
    return d.strftime("%d/%m/%Y")


class RegisterCheck:
    """Checks the rows of the three sheets; `check` returns them with every bad row replaced by a reject."""

    def __init__(self, directory: Directory, as_of: date, models: dict[str, type[RegisterRow]]):
        self.directory, self.as_of = directory, as_of
        self.table_of = {model: table for table, model in models.items()}
        self.inspections: dict[str, CuocKiemTra] = {}
        self.recommendations: dict[str, KienNghi] = {}
        self.refused: dict[tuple[type, str], str] = {}  # (model, id) of a rejected row → its location

    def check(self, read: dict[str, list[Row]]) -> dict[str, list[Row]]:
        out: dict[str, list[Row]] = {}
        for model, rule in ((CuocKiemTra, self._inspection), (KienNghi, self._recommendation),
                            (BaoCaoKhacPhuc, self._report)):
            table = self.table_of[model]
            out[table] = [self._one(model, raw, rule) for raw in read.get(table, [])]
        return out

    def _one(self, model: type[RegisterRow], raw: Row, rule) -> Row:
        if isinstance(raw, Rejected):
            return raw
        where = _where(raw, model.SHEET)
        try:
            record, problems = model.model_validate(raw), []
        except ValidationError as exc:  # every value's problem, then the rules on the values that are fine
            record, problems = _partial(model, raw), [f"{where}: {p}" for p in _problems(model, raw, exc)]
        problems += [f"{where}, {p}" for p in rule(record)]
        if problems:
            self._remember_refused(model, raw)
            return Rejected(raw["vi_tri"], PROBLEM_SEPARATOR.join(problems))
        self._keep(record)
        return raw

    def _remember_refused(self, model: type[RegisterRow], raw: dict) -> None:
        record_id = raw.get(model.ID_FIELD)
        if isinstance(record_id, str) and record_id.strip():
            self.refused.setdefault((model, " ".join(record_id.split())), raw["vi_tri"])

    def _keep(self, record: RegisterRow) -> None:
        """A good row, that later rows may name."""
        if isinstance(record, CuocKiemTra):
            self.inspections[record.ma_cuoc_kiem_tra] = record
        elif isinstance(record, KienNghi):
            self.recommendations[record.ma_kien_nghi] = record

    # ---- the rules of each sheet: the row's problems (none when it is fine). A value the row does not hold
    # (blank, or refused by its column's own check) is None here, and the rules that need it say nothing.

    def _inspection(self, row: CuocKiemTra) -> list[str]:
        if row.ma_cuoc_kiem_tra is not None and (first := self.inspections.get(row.ma_cuoc_kiem_tra)) is not None:
            return [f"cột 'Mã cuộc kiểm tra': mã '{row.ma_cuoc_kiem_tra}' trùng với {first.vi_tri}; "
                    "mỗi cuộc kiểm tra một mã"]
        return [p for p in (self._unit(row), self._not_after_as_of(row.ngay_ket_luan, "Ngày kết luận")) if p]

    def _recommendation(self, row: KienNghi) -> list[str]:
        if row.ma_kien_nghi is not None and (first := self.recommendations.get(row.ma_kien_nghi)) is not None:
            return [f"cột 'Mã kiến nghị': mã '{row.ma_kien_nghi}' trùng với {first.vi_tri}; mỗi kiến nghị một mã"]
        if row.ma_cuoc_kiem_tra is None:
            return []
        inspection, problem = self._inspection_of(row.ma_cuoc_kiem_tra)
        if problem is None and row.han_khac_phuc is not None and inspection.ngay_ket_luan is not None \
                and row.han_khac_phuc < inspection.ngay_ket_luan:
            problem = (f"cột 'Hạn khắc phục': {_vn(row.han_khac_phuc)} trước ngày kết luận "
                       f"{_vn(inspection.ngay_ket_luan)} của cuộc kiểm tra '{inspection.ma_cuoc_kiem_tra}'")
        return [problem] if problem else []

    def _report(self, row: BaoCaoKhacPhuc) -> list[str]:
        problems = [p for p in (self._not_after_as_of(row.ngay_bao_cao, "Ngày báo cáo"),) if p]
        if row.ma_cuoc_kiem_tra is None:
            return problems
        inspection, problem = self._inspection_of(row.ma_cuoc_kiem_tra)
        if problem is None and row.ma_kien_nghi is not None:
            recommendation = self.recommendations.get(row.ma_kien_nghi)
            if recommendation is None:
                refused = self.refused.get((KienNghi, row.ma_kien_nghi))
                problem = (f"cột 'Mã kiến nghị': kiến nghị '{row.ma_kien_nghi}' "
                           + (f"bị loại (xem lỗi tại {refused})" if refused else "không có trong trang 'Kiến nghị'"))
            elif recommendation.ma_cuoc_kiem_tra != row.ma_cuoc_kiem_tra:
                problem = (f"cột 'Mã kiến nghị': kiến nghị '{row.ma_kien_nghi}' thuộc cuộc kiểm tra "
                           f"'{recommendation.ma_cuoc_kiem_tra}', không phải '{row.ma_cuoc_kiem_tra}'")
        if problem is not None:
            return [problem, *problems]
        if row.ngay_bao_cao is not None and inspection.ngay_ket_luan is not None \
                and row.ngay_bao_cao < inspection.ngay_ket_luan:
            problems.append(f"cột 'Ngày báo cáo': {_vn(row.ngay_bao_cao)} trước ngày kết luận "
                            f"{_vn(inspection.ngay_ket_luan)} của cuộc kiểm tra '{inspection.ma_cuoc_kiem_tra}'")
        return problems

    # ---- shared checks

    def _inspection_of(self, inspection_id: str) -> tuple[CuocKiemTra | None, str | None]:
        inspection = self.inspections.get(inspection_id)
        if inspection is not None:
            return inspection, None
        refused = self.refused.get((CuocKiemTra, inspection_id))
        if refused is not None:
            return None, f"cột 'Mã cuộc kiểm tra': cuộc kiểm tra '{inspection_id}' bị loại (xem lỗi tại {refused})"
        return None, (f"cột 'Mã cuộc kiểm tra': không có cuộc kiểm tra mã '{inspection_id}' trong trang "
                      f"'{CuocKiemTra.SHEET}' của các sổ")

    def _not_after_as_of(self, day: date | None, column: str) -> str | None:
        if day is not None and day > self.as_of:
            return f"cột '{column}': {_vn(day)} ở sau ngày đánh giá {_vn(self.as_of)}"
        return None

    def _unit(self, row: CuocKiemTra) -> str | None:
        if row.ma_don_vi is None and row.ten_don_vi is None:
            return None  # both blank: the row's own check says so
        directory = self.directory
        by_code = by_name = None
        if row.ma_don_vi is not None:
            by_code = directory.units.get(row.ma_don_vi)
            if by_code is None:
                close = difflib.get_close_matches(row.ma_don_vi, list(directory.units), n=3, cutoff=0.8)
                hint = "; mã gần nhất: " + "; ".join(f"{c} ({directory.units[c].name})" for c in close) if close else ""
                return f"cột 'Mã đơn vị': không có đơn vị mã '{row.ma_don_vi}' trong danh mục mã định danh{hint}"
        if row.ten_don_vi is not None:
            codes = directory.by_key.get(name_key(row.ten_don_vi), set())
            if len(codes) > 1:
                names = "; ".join(f"{directory.units[c].name} ({c})" for c in sorted(codes))
                if by_code is None:
                    return f"cột 'Tên đơn vị': '{row.ten_don_vi}' là tên của nhiều đơn vị ({names}); ghi 'Mã đơn vị'"
            elif len(codes) == 1:
                by_name = directory.units[next(iter(codes))]
            elif by_code is None:
                closest = directory.closest_names(row.ten_don_vi)
                hint = f"; tên gần nhất trong danh mục: {'; '.join(closest)}" if closest else ""
                return f"cột 'Tên đơn vị': không có đơn vị tên '{row.ten_don_vi}' trong danh mục{hint}"
        if by_code is not None and by_name is not None and by_code.code != by_name.code:
            return (f"cột 'Mã đơn vị' và 'Tên đơn vị' chỉ hai đơn vị khác nhau: mã '{by_code.code}' là "
                    f"{by_code.name}, tên '{row.ten_don_vi}' là {by_name.name} ({by_name.code})")
        unit = by_code or by_name
        if unit is None or row.ngay_bat_dau is None:
            return None
        if unit.valid_from > row.ngay_bat_dau or (unit.valid_to is not None and unit.valid_to < row.ngay_bat_dau):
            until = f" đến {_vn(unit.valid_to)}" if unit.valid_to else ""
            return (f"cột 'Ngày bắt đầu': {_vn(row.ngay_bat_dau)} ngoài thời gian hoạt động của {unit.name} "
                    f"(từ {_vn(unit.valid_from)}{until})")
        return None


def _partial(model: type[RegisterRow], raw: dict) -> RegisterRow:
    """The row with the values its columns' own checks accept, and None for the others."""
    values = {name: field_value_of(model, name, raw) for name in model.model_fields}
    return model.model_construct(**values)


def _problems(model: type[RegisterRow], raw: dict, exc: ValidationError) -> list[str]:
    """Every problem of a row's own values, each naming its column (the messages never come from pydantic's
    English unless a value is of a kind no Excel cell holds)."""
    titles = model.columns()
    out = []
    for error in exc.errors(include_url=False):
        message = error["msg"].removeprefix("Value error, ")
        if error["loc"]:
            column = titles.get(str(error["loc"][0]), str(error["loc"][0]))
            if error["type"] == "missing":
                message = "bị bỏ trống"
            message = f"cột '{column}' {message}"
            if error["loc"][0] == "ma_chi_tieu" and isinstance(raw.get("ma_chi_tieu"), str):
                close = difflib.get_close_matches(raw["ma_chi_tieu"].strip().upper(), SIGNAL_CODES, n=1, cutoff=0.7)
                message += f" ('{raw['ma_chi_tieu'].strip()}'" + (f"; có phải {close[0]}?)" if close else ")")
        out.append(message)
    return out
