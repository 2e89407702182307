"""Validating whole pages at C speed: the page's JSON body read by Arrow, checked and converted by
Arrow compute kernels derived from the record model; the pydantic models stay the reference.

The checks are derived from the model (`models.fields.Form` names each field's raw form) and are
conservative by design: a row is taken here only when every field is in the exact, common shape the
reference certainly accepts — and then its values are those the reference gives. Every other row
(an empty id, an impossible date, an unknown code, a fraction of a second...) goes to the reference,
one record at a time, which keeps it or rejects it with its own reason. A page Arrow cannot read with
the declared types (a number where text belongs, a list where an object belongs) goes to the
reference whole. So the rows and the reject reasons are exactly the reference's: a property test
feeds both the same random pages to prove it (tests/test_columnar.py).

Privacy: Arrow reads only the declared fields (personal fields are never parsed), and the withheld
fields of a classified document are nulled before any check. Nothing here touches the disk.
"""

from __future__ import annotations

import re
import types
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, Union, get_args, get_origin

import pyarrow as pa
import pyarrow.compute as pc
from pydantic.fields import FieldInfo

from core.timezone import ICT
from models.base import SourceItem, SourceRecord
from models.fields import Form, NullAsEmptyList
from models.parsers import MAX_YEAR, MIN_YEAR

_STORED_TIME = pa.timestamp("us", tz="UTC")

Check = Callable[[pa.Array], tuple[pa.Array, pa.Array]]
"""Raw values of a field → (where the row may be taken here, the stored values there)."""


class NotColumnar(Exception):
    """A model this validator cannot take: its records all go to the reference."""


# --- dates and times -----------------------------------------------------------------------------

_D, _HMS = "[0-9]", "(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]"
_DATE = f"{_D}{{4}}-{_D}{{2}}-{_D}{{2}}"
_OFFSET = "(?:Z|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])"


@dataclass(frozen=True)
class _Layout:
    """A source's date or time format, in the exact shape taken here (no fractions of a second, hours
    00-23, minutes and seconds 00-59): every other value is the reference's to judge."""

    pattern: str  # RE2, matched in full
    kind: str  # "date", "local" (a time in Vietnam), "utc" (a time with Z or its UTC offset)
    strptime: str | None = None  # not ISO 8601: parsed with this format (else by Arrow's strict ISO cast)


_LAYOUTS = {
    "iso_date": _Layout(_DATE, "date"),
    "iso_offset": _Layout(f"{_DATE}T{_HMS}{_OFFSET}", "utc"),
    "utc_z": _Layout(f"{_DATE}T{_HMS}Z", "utc"),
    "local_naive": _Layout(f"{_DATE} {_HMS}", "local"),
    "compact_local": _Layout(f"{_D}{{8}}(?:[01][0-9]|2[0-3])[0-5][0-9][0-5][0-9]", "local", "%Y%m%d%H%M%S"),
}
_CAST_TO = {"date": pa.date32(), "local": pa.timestamp("s"), "utc": pa.timestamp("s", tz="UTC")}


def _parse(values: pa.Array, layout: _Layout) -> pa.Array:
    """The stored value of each value in the layout's exact shape that is a real date within the years;
    null for every other value (null, empty, another shape, 30 February...)."""
    text = pc.if_else(pc.fill_null(pc.match_substring_regex(values, f"^{layout.pattern}$"), False), values, None)
    text = pc.if_else(pc.and_(pc.greater_equal(text, str(MIN_YEAR)), pc.less(text, str(MAX_YEAR + 1))), text, None)
    if layout.strptime:
        parsed = _compact(text, layout.strptime)
    else:
        try:
            parsed = pc.cast(text, _CAST_TO[layout.kind])  # Arrow's ISO 8601 parser refuses 30 February
        except pa.ArrowInvalid:  # some value is no real date: find which, then cast the others
            parsed = pc.cast(_real_dates(text, layout.kind), _CAST_TO[layout.kind])
    if layout.kind == "date":
        return parsed
    if layout.kind == "local":
        parsed = pc.subtract(parsed, pa.scalar(ICT.utcoffset(None), pa.duration("s")))
    return pc.cast(parsed, _STORED_TIME)  # a time without zone is read as UTC: no shift


def _compact(text: pa.Array, fmt: str) -> pa.Array:
    """yyyyMMddHHmmss values (year first, digits only, time in range): Arrow's strptime rolls 30 February
    over to 2 March, so a value is kept only when its date reads back as written."""
    parsed = pc.strptime(text, format=fmt, unit="s", error_is_null=True)
    written = pc.replace_substring(pc.cast(pc.cast(parsed, pa.date32()), pa.string()), "-", "")
    return pc.if_else(pc.fill_null(pc.equal(written, pc.utf8_slice_codeunits(text, 0, 8)), False), parsed, None)


def _real_dates(iso: pa.Array, kind: str) -> pa.Array:
    """ISO values whose date and time exist; null for the others (a value is real when Arrow's lenient
    strptime reads it back as written)."""
    if kind == "date":
        core, fmt, target = iso, "%Y-%m-%d", pa.date32()
    else:
        core, fmt, target = pc.replace_substring(pc.utf8_slice_codeunits(iso, 0, 19), "T", " "), "%Y-%m-%d %H:%M:%S", \
            pa.timestamp("s")
    parsed = pc.cast(pc.strptime(core, format=fmt, unit="s", error_is_null=True), target)
    return pc.if_else(pc.fill_null(pc.equal(pc.cast(parsed, pa.string()), core), False), iso, None)


# --- one field -----------------------------------------------------------------------------------

def _present(values: pa.Array) -> pa.Array:
    return pc.fill_null(pc.not_equal(values, ""), False)


def _layout_check(layout: _Layout, required: bool) -> Check:
    def check(values):
        stored = _parse(values, layout)
        clean = pc.is_valid(stored)
        return (clean if required else pc.or_(clean, pc.invert(_present(values)))), stored
    return check


def _non_empty_text(values: pa.Array) -> tuple[pa.Array, pa.Array]:
    # any printable ASCII character survives Python's str.strip(); other strings are the reference's
    return pc.fill_null(pc.match_substring_regex(values, "[!-~]"), False), values


def _empty_is_none(values: pa.Array) -> tuple[pa.Array, pa.Array]:
    return pc.is_valid(pc.fill_null(values, "")), pc.if_else(_present(values), values, None)


def _non_negative_number(values: pa.Array) -> tuple[pa.Array, pa.Array]:
    return pc.fill_null(pc.and_(pc.greater_equal(values, 0), pc.is_finite(values)), False), values


def _form_check(form: Form, required: bool) -> tuple[pa.DataType, Check]:
    """How Arrow reads a field of this form, and its check."""
    if form.name in _LAYOUTS:
        return pa.string(), _layout_check(_LAYOUTS[form.name], required)
    checks = {"non_empty_text": (pa.string(), _non_empty_text), "empty_is_none": (pa.string(), _empty_is_none),
              "non_negative_number": (pa.float64(), _non_negative_number)}
    if form.name not in checks:
        raise NotColumnar(f"no page check for the form {form.name!r}")
    return checks[form.name]


@dataclass(frozen=True)
class _Column:
    """One field: how Arrow reads its raw value, and its check."""

    name: str
    arrow: pa.DataType
    check: Check


def _formed(name: str, form: Form, required: bool) -> _Column:
    if form.required != required:
        raise NotColumnar(f"{name}: its form and its default disagree")
    return _Column(name, *_form_check(form, required))


def _plain(name: str, annotation: Any, required: bool) -> _Column:
    """A field without a form: text, a code list, a strict boolean, or a list of items."""
    origin = get_origin(annotation)
    if origin in (Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        if len(args) != 1 or required:
            raise NotColumnar(f"{name}: a nullable field must have a default")
        inner = _plain(name, args[0], True)

        def check(values):
            ok, stored = inner.check(values)
            return pc.or_(pc.is_null(values), ok), stored

        return _Column(name, inner.arrow, check)
    if origin is Literal:
        codes = get_args(annotation)
        if not all(type(c) is str for c in codes):
            raise NotColumnar(f"{name}: only text codes are checked on pages")
        allowed = pa.array(codes, pa.string())
        return _Column(name, pa.string(), lambda v: (pc.is_in(v, value_set=allowed), v))
    if annotation is str:
        return _Column(name, pa.string(), lambda v: (pc.is_valid(v), v))
    if annotation is bool:
        return _Column(name, pa.bool_(), lambda v: (pc.is_valid(v), v))
    if origin is list and isinstance(get_args(annotation)[0], type) and issubclass(get_args(annotation)[0], SourceItem):
        columns = _columns(get_args(annotation)[0])
        if any(pa.types.is_list(c.arrow) or pa.types.is_struct(c.arrow) for c in columns):
            raise NotColumnar(f"{name}: items that hold lists or objects")
        return _items(name, columns)
    raise NotColumnar(f"{name}: no page check for {annotation!r}")


def _items(name: str, columns: list[_Column]) -> _Column:
    """A list of items (null is []): clean when every item is; stored item by item."""
    struct = pa.struct([(c.name, c.arrow) for c in columns])

    def check(lists: pa.ListArray):
        items = lists.values
        # an item of nulls only may have been a "" (Arrow reads it so): the reference's to judge
        clean = pc.and_(pc.is_valid(items), pc.invert(_all_null(items, [c.name for c in columns])))
        fields = []
        for c in columns:
            ok, stored = c.check(items.field(c.name))
            clean = pc.and_(clean, pc.fill_null(ok, False))
            fields.append(stored)
        bad_lists = pc.filter(pc.list_parent_indices(lists), pc.invert(clean))
        rows = pa.array(range(len(lists)), pa.int64())
        stored_items = pa.StructArray.from_arrays(fields, names=[c.name for c in columns])
        # rebuilt on the same offsets, without the validity: a null list is stored as []
        return pc.invert(pc.is_in(rows, value_set=bad_lists)), pa.ListArray.from_arrays(lists.offsets, stored_items)

    return _Column(name, pa.list_(struct), check)


def _all_null(struct: pa.StructArray, names: list[str]) -> pa.Array:
    nulls = pc.is_null(struct.field(names[0]))
    for name in names[1:]:
        nulls = pc.and_(nulls, pc.is_null(struct.field(name)))
    return nulls


def _column(name: str, info: FieldInfo) -> _Column:
    forms = [m for m in info.metadata if isinstance(m, Form)]
    required = info.is_required()
    if forms:
        return _formed(name, forms[0], required)
    is_list = get_origin(info.annotation) is list
    for meta in info.metadata:
        # StrictBool's Strict() adds nothing a page check must know; a list's null-is-[] is the items' check
        if not (type(meta).__name__ == "Strict" or (is_list and meta is NullAsEmptyList)):
            raise NotColumnar(f"{name}: a validator the page check does not know ({type(meta).__name__})")
    if is_list and (required or info.default != [] or NullAsEmptyList not in info.metadata):
        raise NotColumnar(f"{name}: a list must be null-as-[] and default to []")
    if not required and not is_list and info.default is not None:
        raise NotColumnar(f"{name}: a default other than None")
    return _plain(name, info.annotation, required)


def _columns(model) -> list[_Column]:
    return [_column(name, info) for name, info in model.model_fields.items()]


def _check_model(model: type[SourceRecord]) -> None:
    decorators = model.__pydantic_decorators__
    if set(decorators.model_validators) - {"_withhold"} or decorators.field_validators or decorators.validators:
        raise NotColumnar(f"{model.__name__}: validators of its own run on each record")
    if model.WITHHELD_FIELDS and not isinstance((model.KEPT_WHEN or (None, None))[1], str):
        raise NotColumnar(f"{model.__name__}: its withheld fields are kept on a value that is not text")


# --- a page --------------------------------------------------------------------------------------

@dataclass
class CheckedPage:
    """A page, checked: the rows taken here (stored values, `_i` their place in the page), and the
    places of the rows left to the reference."""

    rows: pa.Table
    for_reference: list[int]


class PageValidator:
    """Checks pages of one model's records; `check` answers None when the whole page is the reference's."""

    def __init__(self, model: type[SourceRecord]):
        _check_model(model)
        self.model = model
        self._columns = _columns(model)
        self._struct = pa.struct([(c.name, c.arrow) for c in self._columns])
        self._numbers = _has_numbers(self._struct)
        self._lists = tuple(c.name for c in self._columns if pa.types.is_list(c.arrow))
        self._text_for_list = re.compile(  # "Field": "..." for a list field
            b'"(?:' + b"|".join(re.escape(n.encode()) for n in self._lists) + rb')"\s*:\s*"') if self._lists else None

    def readable(self, body: bytes | None) -> bool:
        """Whether records parsed from this JSON body (None: not from JSON) may be read here at all.

        Arrow bends two JSON shapes the reference refuses: a true in a number field (read as 1.0) and
        a text where a list belongs (a "" read as an empty list); a body that may hold either is the
        reference's (a text that merely looks like one costs speed, never correctness)."""
        if not (self._numbers or self._lists):
            return True
        if body is None:
            return False
        if self._numbers and (b"true" in body or b"false" in body):
            return False
        return self._text_for_list is None or self._text_for_list.search(body) is None

    def check(self, records: list) -> CheckedPage | None:
        """Check raw records (pages that were `readable`)."""
        struct = self._read(records)
        if struct is None:
            return None
        model = self.model
        if model.WITHHELD_FIELDS:  # nulled before anything looks at them, as the reference does
            field, kept = model.KEPT_WHEN
            keep = pc.fill_null(pc.equal(struct.field(field), kept), False)
            struct = pa.StructArray.from_arrays(
                [pc.if_else(keep, struct.field(c.name), None) if c.name in model.WITHHELD_FIELDS
                 else struct.field(c.name) for c in self._columns], names=[c.name for c in self._columns],
                mask=pc.is_null(struct))
        clean = pc.is_valid(struct)
        stored = {}
        for c in self._columns:
            ok, stored[c.name] = c.check(struct.field(c.name))
            clean = pc.and_(clean, pc.fill_null(ok, False))
        stored["_i"] = pa.array(range(len(records)), pa.int64())
        return CheckedPage(pa.table(stored).filter(clean), pc.indices_nonzero(pc.invert(clean)).to_pylist())

    def _read(self, records: list) -> pa.StructArray | None:
        """The records as Arrow reads them with the declared types; None when it cannot (a value of
        another JSON type than declared somewhere: the reference reads them)."""
        try:
            return pa.array(records, type=self._struct)
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            return None


def _has_numbers(arrow: pa.DataType) -> bool:
    if pa.types.is_struct(arrow):
        return any(_has_numbers(arrow.field(i).type) for i in range(arrow.num_fields))
    if pa.types.is_list(arrow):
        return _has_numbers(arrow.value_type)
    return pa.types.is_floating(arrow) or pa.types.is_integer(arrow)


def page_validator(model: type[SourceRecord]) -> PageValidator | None:
    """A page validator for the model, or None when its records must all go to the reference."""
    try:
        return PageValidator(model)
    except NotColumnar:
        return None
