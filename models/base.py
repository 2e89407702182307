"""Base classes of the source models: a record, and an entry of a nested list inside one."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, model_validator

__all__ = ["SourceItem", "SourceRecord"]


class SourceItem(BaseModel):
    """An entry of a nested list inside a source record. Unknown keys are dropped."""

    model_config = ConfigDict(extra="ignore", frozen=True)


class SourceRecord(BaseModel):
    """One source record as the contract defines it.

    ``extra="ignore"`` is what keeps personal data out: personal fields are never declared, so
    validation drops them. ``PERSONAL_FIELDS`` lists them anyway, to scrub reasons and rejects.
    Which system and table a model's records come from is declared with the system, not here.
    """

    model_config = ConfigDict(extra="ignore", frozen=True)

    ID_FIELD: ClassVar[str]
    """The source's id field, spelled as the source spells it."""
    PERSONAL_FIELDS: ClassVar[frozenset[str]] = frozenset()
    WITHHELD_FIELDS: ClassVar[frozenset[str]] = frozenset()
    """Fields kept only when the raw field `KEPT_WHEN[0]` holds exactly `KEPT_WHEN[1]`; otherwise
    (missing, null, anything else: fail closed) they are nulled before validation even starts."""
    KEPT_WHEN: ClassVar[tuple[str, Any] | None] = None

    @classmethod
    def withholds(cls, raw: Mapping[str, Any]) -> bool:
        """Whether this raw record's `WITHHELD_FIELDS` must be withheld."""
        return bool(cls.WITHHELD_FIELDS) and (cls.KEPT_WHEN is None or raw.get(cls.KEPT_WHEN[0]) != cls.KEPT_WHEN[1])

    @classmethod
    def sensitive_raw_fields(cls, raw: Mapping[str, Any]) -> frozenset[str]:
        """Raw fields whose values must never be stored or shown (personal data and the like)."""
        return cls.PERSONAL_FIELDS | cls.WITHHELD_FIELDS if cls.withholds(raw) else cls.PERSONAL_FIELDS

    @model_validator(mode="before")
    @classmethod
    def _withhold(cls, data: Any) -> Any:
        """Null the withheld fields before anything else: done before validation (not after) so
        their text never enters the model, nor a validation error, even when the record is
        rejected for another reason."""
        if isinstance(data, Mapping) and cls.withholds(data):
            data = dict(data)
            for name in cls.WITHHELD_FIELDS:
                data[name] = None
        return data

    def to_row(self) -> dict[str, Any]:
        """Exactly what may reach disk: the typed fields, nested lists as lists of dicts."""
        return self.model_dump()
