"""A whole refresh at instants known to be hard (`conftest.HARD_INSTANTS`: 00:05 when the UTC date is the day
before, 23:55 on the last day of a month and of a year, New Year's day, the first working day after Tết, a
Sunday), as CI runs it (CCHC_TEST_HARD_INSTANTS=1), and at the hour the suite runs: the published file is for
the local date of the test's clock, and its signals equal an independent recomputation at that date."""

from __future__ import annotations

from datetime import timedelta

import duckdb
import pytest

from pipeline_support import motcua_on_time_truth, refreshed_city, reporting_on_time_truth, signal_cells

pytestmark = pytest.mark.e2e


def _one(path, sql):
    with duckdb.connect(str(path), read_only=True) as con:
        return con.sql(sql).fetchall()[0]


@pytest.mark.hard_instants
def test_a_refresh_publishes_the_signals_of_its_local_date(tmp_path, clock):
    with refreshed_city(tmp_path, days=40, scale=0.01) as (city, code, output, path):
        assert code == 0, output
        today, now = clock.today(), clock.now_local().replace(tzinfo=None)
        as_of, built_at = _one(path, "SELECT as_of, built_at FROM marts.publication")
        assert as_of == today, "the as-of date is the local date, whatever the UTC date is"
        assert now - timedelta(minutes=5) <= built_at <= now
        synced = _one(path, "SELECT min(last_success_at), max(last_success_at) FROM marts.source_health")
        assert all(now - timedelta(minutes=5) <= at <= now for at in synced), synced
        latest = _one(path, "SELECT max(period) FROM marts.unit_signals_monthly")[0]
        assert latest <= today.replace(day=1), "no period after the as-of month"
        # head-of-agency reception: months up to the last one that ended before the as-of date
        reception = _one(path, "SELECT max(period) FROM marts.unit_signals_monthly "
                               "WHERE signal_code = 'DONTHU_TIEP_DAN_THU_TRUONG'")[0]
        assert reception == (today.replace(day=1) - timedelta(days=1)).replace(day=1)
        assert signal_cells(path, "MOTCUA_DUNG_HAN") == motcua_on_time_truth(city.world, today)
        assert signal_cells(path, "BAOCAO_NOP_DUNG_HAN") == reporting_on_time_truth(city.world, today)
