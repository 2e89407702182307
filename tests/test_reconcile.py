"""The count check's parts, on hand-built cases and the simulated city: local days as windows; what is kept
per window (raw rows, and rejects by the update time the source stamped on them); what each source promises
per window (offset and link totals, database counts; nothing for cursor paging)."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from test_connector_http import fast_client

from conftest import make_small_world, serve
from connectors.database import DatabaseReader
from connectors.pages import database_count, gateway_count
from connectors.paging import endpoint_of, window_totals
from core.timezone import ICT
from ingest.reconcile import day_windows
from models.qlvb import VanBan
from simulator.donthu_db import DonThuDatabase
from sources.catalog import BAOCAO, DONTHU, MOTCUA, NHIEMVU, QLVB
from storage.state import StateStore
from tests.records import doc

TABLE = QLVB.tables[0]


def ict(*parts) -> datetime:
    return datetime(*parts, tzinfo=ICT)


def test_a_window_is_cut_at_vietnamese_midnights():
    # from 10:00 on 30 December to 00:05 on New Year's day (Hanoi), given in UTC (03:00 and 17:05 the day before)
    lo, hi = datetime(2025, 12, 30, 3, 0, tzinfo=UTC), datetime(2025, 12, 31, 17, 5, 30, 400, tzinfo=UTC)
    assert day_windows(lo, hi) == [
        (ict(2025, 12, 30, 10, 0), ict(2025, 12, 30, 23, 59, 59)),
        (ict(2025, 12, 31, 0, 0), ict(2025, 12, 31, 23, 59, 59)),
        (ict(2026, 1, 1, 0, 0), ict(2026, 1, 1, 0, 5, 30)),
    ]
    assert day_windows(ict(2026, 3, 1, 0, 0), ict(2026, 3, 1, 0, 0)) == [(ict(2026, 3, 1), ict(2026, 3, 1))]


def _keep(store: StateStore, docs: list[dict], rejects: list[tuple[str, datetime | None]]) -> None:
    writer = store.begin_sync(QLVB.name, QLVB.tables)
    rows = [VanBan.model_validate(d).to_row() for d in docs]
    first = writer.reserve(len(rows) + len(rejects))
    writer.stage(TABLE.name, rows, list(range(first, first + len(rows))))
    writer.reject(TABLE.name, [(key, key, "ma_don_vi: bad", first + len(rows) + i, stamp)
                               for i, (key, stamp) in enumerate(rejects)])
    at = ict(2025, 3, 23)
    writer.commit(cursor=at, window=(at, at), started_at=at, fetched=len(rows) + len(rejects), identity="test")


def test_what_is_kept_per_window_counts_raw_rows_and_rejects_by_their_stamp(tmp_path):
    with StateStore(tmp_path / "state.duckdb") as store:
        _keep(store, [doc("a", cap_nhat_luc="2025-03-20T00:00:00+07:00"),  # the first second of the 20th
                      doc("b", cap_nhat_luc="2025-03-20T23:59:59+07:00"),  # its last
                      doc("c", cap_nhat_luc="2025-03-21T00:00:00+07:00"),  # the 21st
                      doc("d", cap_nhat_luc="2025-03-19T23:59:59+07:00")],  # the 19th: in no window below
              [("e", ict(2025, 3, 21, 12, 0)),  # a reject stamped on the 21st counts there
               ("f", None)])  # a reject whose stamp could not be read counts nowhere
        windows = [(ict(2025, 3, 20), ict(2025, 3, 20, 23, 59, 59)), (ict(2025, 3, 21), ict(2025, 3, 21, 23, 59, 59)),
                   (ict(2025, 3, 22), ict(2025, 3, 22, 23, 59, 59))]
        assert store.held_by_window(TABLE, windows) == [2, 2, 0]
        assert store.held_by_window(TABLE, []) == []


def test_a_rejected_record_is_kept_with_the_update_time_the_source_stamped(tmp_path):
    from ingest.sync import RecordSink

    with StateStore(tmp_path / "state.duckdb") as store:
        writer = store.begin_sync(QLVB.name, QLVB.tables)
        sink = RecordSink(writer, TABLE)
        sink.add([doc("x", ma_loai="??", cap_nhat_luc="2025-03-21T08:00:00+07:00"),
                  doc("y", ma_loai="??", cap_nhat_luc="not a time")])
        sink.flush()
        at = ict(2025, 3, 23)
        writer.commit(cursor=at, window=(at, at), started_at=at, fetched=2, identity="test")
        kept = dict(store.con.execute("SELECT record_id, updated_at FROM meta.rejects").fetchall())
    assert kept == {"x": ict(2025, 3, 21, 8, 0), "y": None}


# --- what the sources promise, against the simulated city's own store ---------------------------------

@pytest.fixture(scope="module")
def world(tmp_path_factory):
    w = make_small_world(tmp_path_factory.mktemp("reconcile"))
    yield w
    w.close()


@pytest.fixture(scope="module")
def gateway(world):
    server = serve(world)
    yield server
    server.stop()


DAYS = day_windows(ict(2025, 9, 8, 12, 0), ict(2025, 9, 15, 9, 30))  # a week, starting and ending mid-day


def _truth(world, system: str) -> list[int]:
    """Records per window as the store holds them (latest versions, malformed ones included)."""
    counts = Counter()
    for _key, upd, _bad, _doc in world.store.iter_current(system):
        for i, (a, b) in enumerate(DAYS):
            counts[i] += a.timestamp() <= upd <= b.timestamp()
    return [counts[i] for i in range(len(DAYS))]


@pytest.mark.parametrize("system", [QLVB, MOTCUA, NHIEMVU], ids=lambda s: s.name)
def test_offset_and_link_endpoints_promise_each_windows_total(world, gateway, system):
    with fast_client(gateway.url) as client:
        count = gateway_count(client, system)
        promised = count(DAYS)[system.tables[0].name]
        one_at_a_time = window_totals(client, endpoint_of(system), DAYS, workers=1)
    assert promised == one_at_a_time == _truth(world, system.name)
    assert sum(promised) > 0


def test_a_cursor_endpoint_promises_nothing(gateway):
    with fast_client(gateway.url) as client:
        assert gateway_count(client, BAOCAO) is None
        assert window_totals(client, endpoint_of(BAOCAO), DAYS) is None


def test_the_database_counts_each_window_of_each_windowed_table(world, tmp_path):
    database = DonThuDatabase(world, str(tmp_path / "donthu.sqlite"))
    database.create()
    try:
        with DatabaseReader(DONTHU, database.url) as reader:
            counts = database_count(reader, DONTHU)(DAYS)
    finally:
        database.close()
    assert set(counts) == {"donthu_don_thu", "donthu_tiep_cong_dan"}, "the agency list is a snapshot: no windows"
    assert counts["donthu_don_thu"] == _truth(world, "don_thu")
    assert counts["donthu_tiep_cong_dan"] == _truth(world, "tiep_cong_dan")
    assert sum(counts["donthu_tiep_cong_dan"]) > 0


def test_windows_must_be_aware(gateway):
    with fast_client(gateway.url) as client, pytest.raises(ValueError):
        window_totals(client, endpoint_of(QLVB), [(datetime(2025, 9, 8), datetime(2025, 9, 9) - timedelta(seconds=1))])
