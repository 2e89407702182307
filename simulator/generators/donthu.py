"""The Inspectorate's database: its own agency list, petitions, and citizen-reception sessions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from simulator.directory import Directory, Unit
from simulator.generators.common import BAD_RATE, Context, Life, daily_count, monotone, visibility
from simulator.naming import typed_name
from simulator.rng import stream, unit_float
from simulator.timeutil import DAY, HOUR, fmt_naive_local, is_working_day, local_epoch

PER_YEAR = 40_000
RECEIVER_WEIGHTS = {"UBND_TP": 0.10, "SO": 0.20, "UBND_HUYEN": 0.30, "UBND_XA": 0.40}
HEAD_DAYS = {"UBND_XA": 4, "UBND_HUYEN": 2, "SO": 1, "UBND_TP": 1}
MISSING_AGENCY_ID = 99_999  # referenced by a few petitions, absent from dm_co_quan
OUTSIDE_AGENCIES = ("Thanh tra Chính phủ", "Ban Tiếp công dân Trung ương", "Văn phòng Đoàn ĐBQH và HĐND thành phố")


@dataclass(slots=True)
class Agency:
    id: int
    ten: str
    ma_dinh_danh: str | None
    unit: Unit | None

    def row(self) -> dict:
        return {"id": self.id, "ten": self.ten, "ma_dinh_danh": self.ma_dinh_danh}


def agencies(seed: int, directory: Directory) -> list[Agency]:
    """dm_co_quan: most rows carry the code; some only a typed name; a few a stale code or none at all."""
    out: list[Agency] = []
    for u in directory.units:
        if u.loai not in HEAD_DAYS:
            continue
        rng = stream(seed, "dm_co_quan", u.code)
        r = rng.random()
        if r < 0.80:
            out.append(Agency(len(out) + 1, u.name, u.code, u))
        elif r < 0.98:
            out.append(Agency(len(out) + 1, typed_name(u, rng), None, u))
        else:
            out.append(Agency(len(out) + 1, u.name, u.code.replace(".H26", ".H62"), u))  # code not in the directory
    for name in OUTSIDE_AGENCIES:
        out.append(Agency(len(out) + 1, name, None, None))
    return out


class DonThuGenerator:
    def __init__(self, ctx: Context):
        self.ctx = ctx
        self.agencies = agencies(ctx.seed, ctx.directory)
        self.by_unit = {a.unit.code: a for a in self.agencies if a.unit is not None}

    def _agency_sampler(self, d: date):
        return self.ctx.directory.sampler(d, RECEIVER_WEIGHTS)

    def petitions(self, d: date):
        rng = stream(self.ctx.seed, "don_thu", d.isoformat())
        n = daily_count(rng, PER_YEAR, d, self.ctx.scale)
        sampler = self._agency_sampler(d)
        for seq in range(1, n + 1):
            unit = self.ctx.directory.pick(sampler, rng.random())
            agency = self.by_unit.get(unit.code)
            yield self._petition(rng, d, seq, unit, agency)

    def _petition(self, rng, d: date, seq: int, unit: Unit, agency: Agency | None) -> Life:
        rec_id = int(f"{d:%Y%m%d}{seq:05d}")
        perf = unit.performance(d)
        kind = "KHIEU_NAI" if (r := rng.random()) < 0.35 else ("TO_CAO" if r < 0.50 else "KIEN_NGHI_PHAN_ANH")
        receiver_id = agency.id if agency and rng.random() > 0.001 else MISSING_AGENCY_ID
        base = {
            "id": rec_id, "so_vao_so": f"{seq}/{d.year}/{d.timetuple().tm_yday:03d}", "ngay_nhan": d,
            "nguon": rng.choice(("TRUC_TIEP", "BUU_CHINH", "CHUYEN_DEN", "HOP_THU_DIEN_TU")),
            "loai_don": kind, "co_quan_tiep_nhan_id": receiver_id, "co_quan_giai_quyet_id": None,
            "ngay_xu_ly_don": None, "huong_xu_ly": None, "ngay_thu_ly": None, "lan_giai_quyet": None,
            "phuc_tap": False, "vung_kho_khan": False, "so_lan_gia_han": 0, "ngay_giai_quyet": None,
            "trang_thai": "MOI_NHAN", "da_xoa": False,
        }
        stamps, states = [local_epoch(d, 8) + rng.randint(0, 9 * HOUR)], [{}]

        def event(day: date, change: dict) -> None:
            stamps.append(local_epoch(day, 8) + rng.randint(0, 9 * HOUR))
            states.append(change)

        if rng.random() < 0.98:
            handled = d + timedelta(days=rng.randint(0, 10) if rng.random() < perf else rng.randint(11, 30))
            if rng.random() < 0.03:
                handled = d + timedelta(days=10)  # on the handling deadline itself
            if kind == "KIEN_NGHI_PHAN_ANH":
                route = rng.choices(("THU_LY", "CHUYEN_DON", "HUONG_DAN", "LUU_DON"), (0.3, 0.4, 0.2, 0.1))[0]
            else:
                route = rng.choices(("THU_LY", "CHUYEN_DON", "HUONG_DAN", "LUU_DON"), (0.45, 0.3, 0.15, 0.1))[0]
            event(handled, {"ngay_xu_ly_don": handled, "huong_xu_ly": route, "trang_thai": "DA_XU_LY_DON"})
            if route == "THU_LY" and kind != "KIEN_NGHI_PHAN_ANH":
                self._resolution(rng, kind, unit, perf, handled, event)
            elif route == "THU_LY":
                accepted = handled + timedelta(days=rng.randint(0, 5))
                event(accepted, {"ngay_thu_ly": accepted, "trang_thai": "DANG_GIAI_QUYET"})
                done = accepted + timedelta(days=rng.randint(5, 40))
                event(done, {"ngay_giai_quyet": done, "trang_thai": "DA_GIAI_QUYET"})
        if rng.random() < 0.005:
            stamps.append(stamps[-1] + rng.randint(HOUR, 20 * DAY))
            states.append({"da_xoa": True})
        return self._life(rng, rec_id, base, stamps, states, corrupt=("lan_giai_quyet", 3))

    def _resolution(self, rng, kind, unit, perf, handled, event) -> None:
        accepted = handled + timedelta(days=rng.randint(0, 5))
        change = {"ngay_thu_ly": accepted, "trang_thai": "DANG_GIAI_QUYET"}
        complex_case = rng.random() < 0.15
        rural = unit.loai == "UBND_XA" and unit_float("rural", unit.code) < 0.5
        remote = rng.random() < (0.15 if rural else 0.02)
        change.update(phuc_tap=complex_case, vung_kho_khan=remote)
        if rng.random() < 0.25:
            superior = self.by_unit.get(unit.parent or "")
            if superior is not None:
                change["co_quan_giai_quyet_id"] = superior.id
        if kind == "KHIEU_NAI":
            round_ = rng.choices((1, 2, None), (0.75, 0.18, 0.07))[0]
            change["lan_giai_quyet"] = round_
            limit = complaint_days(round_ or 1, complex_case, remote)
            extensions = 0
        else:
            extensions = rng.choices((0, 1, 2), (0.7, 0.2, 0.1))[0]
            limit = 30
        event(accepted, change)
        for i in range(extensions):
            event(accepted + timedelta(days=25 + 30 * i), {"so_lan_gia_han": i + 1})
        limit += 30 * extensions
        if rng.random() < 0.03:
            event(accepted + timedelta(days=rng.randint(1, limit)), {"trang_thai": "RUT_DON"})
            return
        if rng.random() < perf:
            done = accepted + timedelta(days=limit if rng.random() < 0.04 else rng.randint(10, limit))
        elif rng.random() < 0.3:
            return  # still being resolved
        else:
            done = accepted + timedelta(days=limit + rng.randint(1, 40))
        event(done, {"ngay_giai_quyet": done, "trang_thai": "DA_GIAI_QUYET"})

    def receptions(self, d: date):
        """Sessions held on `d`: heads on their scheduled days (or a deputy instead), officers routinely."""
        if not is_working_day(d):
            return
        rng = stream(self.ctx.seed, "tiep_cong_dan", d.isoformat())
        for agency in self.agencies:
            unit = agency.unit
            if unit is None or not unit.in_force(d):
                continue
            for slot, (kind, role_default) in enumerate(_sessions_on(unit, d)):
                role = role_default
                if role == "THU_TRUONG" and rng.random() > unit.traits["reception"] * unit.performance(d) / unit.base:
                    role = "CAP_PHO" if rng.random() < 0.7 else "CAN_BO"
                yield self._reception(rng, d, agency, slot, kind, role)

    def _reception(self, rng, d, agency: Agency, slot: int, kind: str, role: str) -> Life:
        rec_id = int(f"{d:%Y%m%d}{agency.id:04d}{slot}")
        base = {"id": rec_id, "co_quan_id": agency.id, "ngay_tiep": d, "vai_tro_chu_tri": role,
                "hinh_thuc": kind, "so_luot": rng.randint(0, 12), "da_xoa": False}
        stamps, states = [local_epoch(d, 17) + rng.randint(0, 2 * DAY)], [{}]
        if rng.random() < 0.02:
            stamps.append(stamps[-1] + rng.randint(HOUR, 10 * DAY))
            states.append({"so_luot": base["so_luot"] + 1})
        if rng.random() < 0.005:
            stamps.append(stamps[-1] + rng.randint(HOUR, 10 * DAY))
            states.append({"da_xoa": True})
        return self._life(rng, rec_id, base, stamps, states, corrupt=("vai_tro_chu_tri", "CHU_TICH"))

    @staticmethod
    def _life(rng, rec_id, base, stamps, states, corrupt: tuple[str, object]) -> Life:
        stamps = monotone(stamps)
        bad = rng.random() < BAD_RATE
        field, value = corrupt

        def render(k: int) -> dict:
            rec = dict(base)
            for change in states[:k + 1]:
                rec.update(change)
            rec["updated_at"] = fmt_naive_local(stamps[k])
            if bad:
                rec[field] = value
            return rec

        return Life(rec_id, stamps, visibility(rng, stamps), render, bad)


def complaint_days(round_: int, complex_case: bool, remote: bool) -> int:
    """Law on Complaints 2011: days to resolve, by round, complexity and remoteness."""
    table = {(1, False): (30, 45), (1, True): (45, 60), (2, False): (45, 60), (2, True): (60, 70)}
    normal, complex_ = table[(round_, remote)]
    return complex_ if complex_case else normal


def _sessions_on(unit: Unit, d: date) -> list[tuple[str, str]]:
    """Scheduled sessions of a unit on a working day: (hinh_thuc, who is meant to lead it)."""
    out = []
    weekday = int(unit_float("reception_day", unit.code) * 5)
    if unit.loai == "UBND_XA" and d.weekday() == weekday:
        out.append(("DINH_KY", "THU_TRUONG"))
    elif unit.loai == "UBND_HUYEN" and _first_working_on_or_after(d, (10, 25)):
        out.append(("DINH_KY", "THU_TRUONG"))
    elif unit.loai in ("SO", "UBND_TP") and _first_working_on_or_after(d, (15,)):
        out.append(("DINH_KY", "THU_TRUONG"))
    if _first_working_on_or_after(d, (3,)):
        out.append(("THUONG_XUYEN", "CAN_BO"))
    if unit.loai != "UBND_XA" and d.weekday() == weekday and unit_float("adhoc", unit.code, d) < 0.05:
        out.append(("DOT_XUAT", "THU_TRUONG"))
    return out


def _first_working_on_or_after(d: date, days_of_month: tuple[int, ...]) -> bool:
    """True when `d` is the first working day on or after one of these days of its month."""
    for dom in days_of_month:
        target = date(d.year, d.month, dom)
        while not is_working_day(target):
            target += timedelta(days=1)
        if target == d:
            return True
    return False
