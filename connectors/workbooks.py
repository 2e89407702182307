"""Excel workbooks kept by people (the inspection register): every `*.xlsx` of a folder, sheet by sheet.

A sheet is one raw table (`RawTable.source_table` is its name); row 1 names the columns, which are
matched to the record model's field titles loosely (case, tone marks and spacing aside), in any
order. Each data row becomes a raw dict of the model's fields plus where it was read (`tep`, `dong`,
`vi_tri`). What cannot be read at all — a file that is not an `.xlsx`, a sheet without a required
column — becomes one `Rejected` naming it, so the rest of the folder still loads. Checking the
values is the models' work, checking rows against each other the ingest's.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterator
from pathlib import Path

from openpyxl import load_workbook

from core.errors import SourceError
from models.names import search_key
from models.register import EXAMPLE_PREFIX, RegisterRow
from models.validation import Rejected
from sources import System, Workbooks

log = logging.getLogger("cchc.workbooks")


def location(file: str, sheet: str, row: int | None = None) -> str:
    """`so-theo-doi-2025.xlsx › Kiến nghị › dòng 7`: how a row is named in rejects and marts."""
    return " › ".join([file, sheet] + ([f"dòng {row}"] if row is not None else []))


class WorkbookFolder:
    """The workbooks of one folder, as a system's raw tables."""

    def __init__(self, system: System, folder: Path):
        assert isinstance(system.access, Workbooks)
        self.system, self.folder = system, folder

    def files(self) -> list[Path]:
        if not self.folder.is_dir():
            raise SourceError(self.system.name, f"the folder {self.folder} ({self.system.access.dir_variable}) "
                              "does not exist or is not a folder",
                              f"create it, or point {self.system.access.dir_variable} at the folder of the "
                              "inspection register's workbooks")
        # Excel leaves `~$name.xlsx` lock files beside an open workbook: never data
        return sorted(p for p in self.folder.glob("*.xlsx") if p.is_file() and not p.name.startswith("~$"))

    def read(self) -> Iterator[tuple[str, list]]:
        """(raw table, rows) per sheet of every workbook, in file name order."""
        for path in self.files():
            yield from self._read_file(path)

    def _read_file(self, path: Path) -> Iterator[tuple[str, list]]:
        first_table = self.system.tables[0].name
        try:
            with warnings.catch_warnings():  # openpyxl warns about data validation it does not read
                warnings.simplefilter("ignore")
                book = load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # noqa: BLE001 - any unreadable file is one reject, the folder goes on
            log.warning("%s: %s is not a readable workbook (%s)", self.system.name, path.name, type(exc).__name__)
            yield first_table, [Rejected(path.name, f"Tệp {path.name}: không đọc được như một sổ Excel .xlsx "
                                         f"({type(exc).__name__}); mở bằng Excel và lưu lại dạng .xlsx")]
            return
        try:
            found = {search_key(name): name for name in book.sheetnames}
            known = [t for t in self.system.tables if search_key(t.source_table) in found]
            if not known:
                sheets = ", ".join(f"'{t.source_table}'" for t in self.system.tables)
                yield first_table, [Rejected(path.name, f"Tệp {path.name}: không có trang nào của sổ theo dõi "
                                             f"(cần ít nhất một trong các trang {sheets}); dùng mẫu của "
                                             "`cchc inspections template`")]
                return
            for table in known:
                sheet = book[found[search_key(table.source_table)]]
                yield table.name, list(_sheet_rows(path.name, table.source_table, sheet.iter_rows(values_only=True),
                                                   table.model))
        finally:
            book.close()


def _sheet_rows(file: str, sheet: str, rows: Iterator[tuple], model: type[RegisterRow]) -> Iterator[dict | Rejected]:
    header = next(rows, None)
    if header is None:
        return
    titles = model.columns()
    wanted = {search_key(title): field for field, title in titles.items()}
    columns: dict[int, str] = {}
    for index, cell in enumerate(header):
        field = wanted.get(search_key(cell)) if isinstance(cell, str) else None
        if field is not None and field not in columns.values():
            columns[index] = field
    present = {titles[f] for f in columns.values()}
    missing = [title for title in model.required_columns() if title not in present]
    body = ((number, row) for number, row in enumerate(rows, start=2) if any(_value(v) is not None for v in row))
    if missing:
        if next(body, None) is not None:  # an empty sheet without the headers is harmless
            yield Rejected(location(file, sheet), f"Tệp {file}, trang '{sheet}': thiếu cột "
                           + ", ".join(f"'{m}'" for m in missing)
                           + " ở dòng 1, nên cả trang không được đọc; sửa tiêu đề cột theo mẫu "
                           "(`cchc inspections template`)")
        return
    for number, row in body:
        record = {field: _value(row[index]) if index < len(row) else None for index, field in columns.items()}
        if str(record.get("ma_cuoc_kiem_tra") or "").strip().upper().startswith(EXAMPLE_PREFIX):
            continue  # the template's example row
        record.update(tep=file, dong=number, vi_tri=location(file, sheet, number))
        yield record


def _value(cell):
    """A cell as the models read it: whitespace-only text is no value; dates stay Excel's datetimes."""
    if isinstance(cell, str) and not cell.strip():
        return None
    return cell
