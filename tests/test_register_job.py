"""The `register` job: the inspection register read again, the cycle marts rebuilt from it and the file
republished at once (what the web app asks for when a workbook is accepted), with the as-of date of the file
published now; every other mart stays as the last refresh built it."""

from __future__ import annotations

import dagster as dg
import duckdb
import pytest
from test_register import workbook

from models.register import CuocKiemTra
from pipeline_support import refreshed_city
from pipelines.definitions import defs
from simulator.timeutil import DAY

pytestmark = pytest.mark.e2e


def _rows(path, sql):
    with duckdb.connect(str(path), read_only=True) as con:
        return con.sql(sql).fetchall()


def test_the_register_job_publishes_a_new_inspection_and_leaves_every_other_mart_as_it_was(tmp_path, clock):
    with refreshed_city(tmp_path, days=20, scale=0.005) as (city, code, output, published):
        assert code == 0, output
        as_of = _rows(published, "SELECT as_of FROM marts.publication")[0][0]
        monthly = _rows(published, "SELECT * FROM marts.unit_signals_monthly ORDER BY ALL")
        code_of = _rows(published, "SELECT unit_code FROM marts.units WHERE valid_to IS NULL ORDER BY unit_code "
                                   "LIMIT 1")[0][0]
        start = as_of.strftime("%d/%m/%Y")
        workbook(city.register_dir / "so-moi.xlsx",
                 {CuocKiemTra: [["KT-MOI-1", code_of, None, "Đột xuất", start, None, None, None, None]]})
        clock.advance(DAY)  # the secretary uploads the next day: the file's as-of date stays its own
        # (refreshed_city set the city's variables and folder for the block)
        result = defs.resolve_job_def("register").execute_in_process(instance=dg.DagsterInstance.ephemeral(),
                                                                     raise_on_error=False)
        assert result.success
        ran = {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}
        assert {"raw/kiemtra", "marts/inspections", "published/warehouse"} <= ran
        assert not {k for k in ran if k.startswith("raw/") and k != "raw/kiemtra"}, "no source system is read"
        assert "marts/unit_signals_monthly" not in ran
        assert _rows(published, "SELECT unit_code FROM marts.inspections WHERE inspection_id = 'KT-MOI-1'") == \
            [(code_of,)]
        assert _rows(published, "SELECT as_of FROM marts.publication")[0][0] == as_of
        assert _rows(published, "SELECT * FROM marts.unit_signals_monthly ORDER BY ALL") == monthly
