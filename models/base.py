"""Base classes of the source models: a record, and an entry of a nested list inside one."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict

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

    @classmethod
    def sensitive_raw_fields(cls, raw: Mapping[str, Any]) -> frozenset[str]:
        """Raw fields whose values must never be stored or shown (personal data and the like)."""
        return cls.PERSONAL_FIELDS

    def to_row(self) -> dict[str, Any]:
        """Exactly what may reach disk: the typed fields, nested lists as lists of dicts."""
        return self.model_dump()
