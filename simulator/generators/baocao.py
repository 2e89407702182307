"""Reporting: each unit's obligations for each period, created ahead of the deadline, then filed.

Obligations follow the reporting calendar for every unit in force, so they do not scale: about
13,000 a year city-wide.
"""

from __future__ import annotations

from datetime import date, timedelta

from simulator.generators.common import BAD_RATE, Context, Life, monotone, visibility
from simulator.rng import stream, unit_float
from simulator.timeutil import DAY, HOUR, MINUTE, fmt_utc_z, local_epoch

SUBJECT_TYPES = ("SO", "UBND_HUYEN", "UBND_XA")
LEAD_DAYS = 25  # an obligation appears this many days before it is due
NAMES = {
    "KTXH_THANG": "Báo cáo tình hình kinh tế - xã hội tháng",
    "CCHC_QUY": "Báo cáo công tác cải cách hành chính quý",
    "CCHC_6T": "Báo cáo công tác cải cách hành chính 6 tháng",
    "CCHC_9T": "Báo cáo công tác cải cách hành chính 9 tháng",
    "CCHC_NAM": "Báo cáo công tác cải cách hành chính năm",
    "KH_TU_KIEM_TRA": "Kế hoạch tự kiểm tra công tác cải cách hành chính",
}


def schedule(year: int) -> list[tuple[int, str, str, date, date]]:
    """(slot, ma_bao_cao, ky_bao_cao, data cut-off, due day) for every obligation of a year."""
    out = []
    for m in range(1, 13):
        out.append((m, "KTXH_THANG", f"{year}-{m:02d}", date(year, m, 14), date(year, m, 20)))
    for q in range(1, 5):
        out.append((12 + q, "CCHC_QUY", f"{year}-Q{q}", date(year, 3 * q, 14), date(year, 3 * q, 18)))
    out.append((17, "CCHC_6T", f"{year}-H1", date(year, 6, 14), date(year, 6, 18)))
    out.append((18, "CCHC_9T", f"{year}-9T", date(year, 9, 14), date(year, 9, 18)))
    out.append((19, "CCHC_NAM", f"{year}", date(year, 11, 14), date(year, 12, 5)))
    out.append((20, "KH_TU_KIEM_TRA", f"{year}", date(year, 1, 15), date(year, 1, 31)))
    return out


def generate(ctx: Context, d: date):
    rng = stream(ctx.seed, "baocao", d.isoformat())
    for year in (d.year, d.year + 1):
        for slot, code, period, cutoff, due_day in schedule(year):
            if due_day - timedelta(days=LEAD_DAYS) != d:
                continue
            for unit in ctx.directory.in_force(due_day, SUBJECT_TYPES):
                yield _obligation(ctx, rng, d, unit, year, slot, code, period, cutoff, due_day)


def _obligation(ctx, rng, created_day, unit, year, slot, code, period, cutoff, due_day) -> Life:
    rec_id = int(f"{year % 100:02d}{slot:02d}{unit.index:04d}")
    # half the deadlines are 17:00 local, half the last second of the local day (16:59:59Z)
    due = local_epoch(due_day, 17) if unit_float(ctx.seed, rec_id, "due") < 0.5 else local_epoch(due_day, 23, 59, 59)
    perf = unit.performance(due_day)
    created = local_epoch(created_day, 7) + rng.randint(0, 2 * HOUR)
    base = {
        "id": rec_id, "ma_bao_cao": code, "ten_bao_cao": NAMES[code], "ky_bao_cao": period,
        "ma_don_vi": unit.code, "ngay_chot_so_lieu": cutoff.isoformat(), "han_nop": fmt_utc_z(due),
        "nop_lan_dau_luc": None, "nop_gan_nhat_luc": None, "trang_thai": "CHUA_NOP",
    }
    stamps, states = [created], [{}]
    r = rng.random()
    if r < perf:
        first = due if rng.random() < 0.01 else due - rng.randint(MINUTE, 10 * DAY)
    elif rng.random() < 0.35:
        first = None  # never filed
    else:
        first = due + rng.randint(1, 20 * DAY)
    if first is not None:
        first = max(first, created + HOUR)
        stamps.append(first)
        states.append({"nop_lan_dau_luc": fmt_utc_z(first), "nop_gan_nhat_luc": fmt_utc_z(first),
                       "trang_thai": "DA_NOP"})
        checked = first + rng.randint(HOUR, 6 * DAY)
        if rng.random() < 0.12:
            stamps.append(checked)
            states.append({"trang_thai": "TRA_LAI"})
            again = checked + rng.randint(HOUR, 5 * DAY)
            stamps.append(again)
            states.append({"nop_gan_nhat_luc": fmt_utc_z(again), "trang_thai": "DA_NOP"})
            checked = again + rng.randint(HOUR, 4 * DAY)
        if rng.random() < 0.85:
            stamps.append(checked)
            states.append({"trang_thai": "DA_DUYET"})
    stamps = monotone(stamps)
    bad = rng.random() < BAD_RATE
    corruption = rng.randint(0, 2)

    def render(k: int) -> dict:
        rec = dict(base)
        for change in states[:k + 1]:
            rec.update(change)
        rec["updated_at"] = fmt_utc_z(stamps[k])
        if bad:
            if corruption == 0:
                rec["han_nop"] = rec["han_nop"][:5] + "02-30T10:00:00Z"
            elif corruption == 1:
                rec["trang_thai"] = "DANG_XEM_XET"
            else:
                rec["id"] = None
        return rec

    return Life(rec_id, stamps, visibility(rng, stamps), render, bad)
