"""Vietnam time: every source's "local" time (spec/sources.md)."""

from datetime import UTC, timedelta, timezone

ICT = timezone(timedelta(hours=7))
"""Indochina Time, UTC+07:00, no daylight saving."""

__all__ = ["ICT", "UTC"]
