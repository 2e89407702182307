"""The platform's clock (core.clock): the wall clock, or the instant CCHC_CLOCK names, running on from it."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from conftest import current_clock
from core import clock
from core.errors import ConfigError
from core.timezone import ICT


def test_the_clock_reads_the_named_instant_and_runs_on_from_it(monkeypatch):
    # the clock read 23:55 on 31 December (Hanoi) when the wall clock read 1,000 s past the epoch
    monkeypatch.setenv("CCHC_CLOCK", "2025-12-31T23:55:00+07:00@1000")
    monkeypatch.setattr(clock.time, "time", lambda: 1000.0 + 600)  # ten minutes later on the wall
    assert clock.now() == datetime(2025, 12, 31, 17, 5, tzinfo=UTC)
    assert clock.now_local() == datetime(2026, 1, 1, 0, 5, tzinfo=ICT)
    assert clock.today() == date(2026, 1, 1), "Hanoi's date, while it is still 31 December in UTC"


def test_setting_names_a_moment_at_a_wall_time():
    value = clock.setting(datetime(2026, 3, 1, 0, 5, tzinfo=ICT), wall=5.0)
    assert value == "2026-03-01T00:05:00+07:00@5.000000"
    with pytest.raises(ValueError):
        clock.setting(datetime(2026, 3, 1, 0, 5), wall=5.0)


@pytest.mark.parametrize("value", ["2026-03-01T00:05:00+07:00", "2026-03-01T00:05:00@5", "tomorrow@5",
                                   "2026-03-01T00:05:00+07:00@soon"])
def test_a_malformed_clock_is_one_line_naming_the_variable(monkeypatch, value):
    monkeypatch.setenv("CCHC_CLOCK", value)
    with pytest.raises(ConfigError) as error:
        clock.now()
    assert str(error.value).startswith("configuration CCHC_CLOCK: is not of the form") and "\n" not in str(error.value)


def test_the_suite_runs_on_one_clock_the_platform_reads():
    suite = current_clock()
    assert abs(clock.epoch() - suite.epoch()) < 1
    assert clock.today() == suite.today()
