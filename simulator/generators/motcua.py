"""The one-stop shop: dossiers from registration to returned result, in the national sync format."""

from __future__ import annotations

from collections import Counter
from datetime import date

from simulator.generators.common import (
    BAD_RATE,
    Context,
    Life,
    daily_count,
    monotone,
    office_time,
    visibility,
)
from simulator.rng import stream
from simulator.timeutil import DAY, HOUR, MINUTE, add_working_days, fmt_compact_local, local_epoch

PER_YEAR = 3_000_000
WEIGHTS = {"SO": 0.27, "UBND_HUYEN": 0.25, "UBND_XA": 0.45, "DVSN": 0.03}

# (MaTTHC, TenTTHC, MaLinhVuc, working days, fee, levels that handle it)
PROCEDURES = (
    ("1.001612", "Đăng ký khai sinh", "HOTICH", 1, 0, ("UBND_XA",)),
    ("1.000894", "Đăng ký kết hôn", "HOTICH", 1, 0, ("UBND_XA",)),
    ("1.001193", "Đăng ký khai tử", "HOTICH", 1, 0, ("UBND_XA",)),
    ("2.000815", "Chứng thực bản sao từ bản chính", "CHUNGTHUC", 1, 2000, ("UBND_XA", "UBND_HUYEN")),
    ("2.000884", "Chứng thực chữ ký trong giấy tờ, văn bản", "CHUNGTHUC", 1, 10000, ("UBND_XA",)),
    ("1.001570", "Đăng ký thành lập hộ kinh doanh", "DKKD", 3, 100000, ("UBND_HUYEN", "UBND_XA")),
    ("1.009994", "Cấp giấy phép xây dựng nhà ở riêng lẻ", "XAYDUNG", 15, 75000, ("UBND_HUYEN", "UBND_XA")),
    ("1.003003", "Đăng ký biến động quyền sử dụng đất", "DATDAI", 10, 0, ("UBND_HUYEN", "UBND_XA")),
    ("2.001711", "Cấp giấy phép lao động cho người nước ngoài", "LAODONG", 5, 600000, ("SO",)),
    ("1.004995", "Cấp chứng chỉ hành nghề khám bệnh, chữa bệnh", "YTE", 10, 360000, ("SO",)),
    ("2.001233", "Cấp đổi giấy phép lái xe", "GTVT", 5, 135000, ("SO",)),
    ("1.000046", "Cấp phép hoạt động giáo dục kỹ năng sống", "GIAODUC", 10, 0, ("SO",)),
    ("1.009972", "Cấp giấy phép kinh doanh dịch vụ lữ hành nội địa", "DULICH", 10, 3000000, ("SO", "DVSN")),
    ("1.005388", "Giải quyết hưởng trợ cấp xã hội hàng tháng", "BTXH", 7, 0, ("UBND_XA", "UBND_HUYEN")),
)
_BY_LEVEL = {lvl: [p for p in PROCEDURES if lvl in p[5]] for lvl in ("SO", "UBND_HUYEN", "UBND_XA", "DVSN")}
UNKNOWN_UNIT_CODES = ("000.00.98.H26", "000.77.12.H26")
REASONS = ("Hồ sơ cần xác minh thêm thông tin", "Chờ ý kiến của cơ quan phối hợp", "Hệ thống gặp sự cố",
           "Khối lượng hồ sơ tăng đột biến")


def generate(ctx: Context, d: date):
    rng = stream(ctx.seed, "motcua", d.isoformat())
    n = daily_count(rng, PER_YEAR, d, ctx.scale)
    sampler = ctx.directory.sampler(d, WEIGHTS)
    seq: Counter[str] = Counter()
    for _ in range(n):
        unit = ctx.directory.pick(sampler, rng.random())
        seq[unit.code] += 1
        yield _dossier(rng, d, unit, seq[unit.code])


def _dossier(rng, d: date, unit, seq: int) -> Life:
    code, name, field, days, fee, _levels = rng.choice(_BY_LEVEL[unit.loai])
    dossier_id = f"{unit.code}-{d:%y%m%d}-{seq:04d}"
    perf = unit.performance(d)
    received = office_time(rng, d)
    channel = "2" if rng.random() < unit.traits["online"] else ("3" if rng.random() < 0.04 else "1")
    due = local_epoch(add_working_days(d, days), 17) if rng.random() > 0.003 else None
    fees = []
    if fee:
        fees.append({"MaPhiLePhi": "LP01", "TenPhiLePhi": "Lệ phí", "Gia": fee})
    elif rng.random() < 0.3:
        fees.append({"MaPhiLePhi": "LP00", "TenPhiLePhi": "Miễn lệ phí", "Gia": 0})
    if fee and channel == "2":
        paid = ("1" if rng.random() < 0.5 else "2") if rng.random() < unit.traits["pay_online"] else "0"
    else:
        paid = "2" if fee and rng.random() < 0.08 else "0"
    base = {
        "MaHoSo": dossier_id, "MaTTHC": code, "TenTTHC": name, "MaLinhVuc": field,
        "MaDonVi": unit.code if rng.random() > 0.002 else rng.choice(UNKNOWN_UNIT_CODES),
        "KenhThucHien": channel, "NgayTiepNhan": "", "NgayHenTra": "", "NgayKetThucXuLy": "", "NgayTra": "",
        "TrangThaiHoSo": "1", "DanhSachLePhi": fees, "DuocThanhToanTrucTuyen": paid,
        "HoSoCoThanhPhanSoHoa": "1" if rng.random() < unit.traits["digitise"] else "0",
        "DanhSachHoSoBoSung": [], "DanhSachXinLoi": [],
    }
    stamps: list[int] = []
    states: list[dict] = []
    if channel == "2":  # registered online first, received later
        stamps.append(received - rng.randint(10 * MINUTE, 20 * HOUR))
        states.append({})
    stamps.append(received)
    states.append({"TrangThaiHoSo": "2", "NgayTiepNhan": fmt_compact_local(received),
                   "NgayHenTra": fmt_compact_local(due)})
    fate = rng.random()
    if fate < 0.01:
        stamps.append(received + rng.randint(MINUTE, 2 * HOUR))
        states.append({"TrangThaiHoSo": "3"})
        return _life(rng, dossier_id, base, stamps, states)
    stamps.append(received + rng.randint(MINUTE, 4 * HOUR))
    states.append({"TrangThaiHoSo": "4"})
    if fate < 0.025:
        stamps.append(received + rng.randint(HOUR, 5 * DAY))
        states.append({"TrangThaiHoSo": "7" if fate < 0.018 else "8"})
        return _life(rng, dossier_id, base, stamps, states)
    if rng.random() < 0.05:
        asked = received + rng.randint(HOUR, 2 * DAY)
        stamps.append(asked)
        states.append({"TrangThaiHoSo": "5", "DanhSachHoSoBoSung": [{
            "NgayYeuCau": fmt_compact_local(asked), "NgayHenTraTruoc": fmt_compact_local(due),
            "NgayHenTraMoi": fmt_compact_local(due + 3 * DAY if due else None)}]})
        stamps.append(asked + rng.randint(HOUR, 3 * DAY))
        states.append({"TrangThaiHoSo": "4"})
    on_time = due is None or rng.random() < perf
    if due is None:
        finished = received + rng.randint(HOUR, 5 * DAY)
    elif on_time:
        finished = due if rng.random() < 0.02 else rng.randint(received + HOUR, max(received + 2 * HOUR, due))
    else:
        finished = due + rng.randint(MINUTE, 12 * DAY)
    late = due is not None and not on_time
    if late and rng.random() < unit_apology(rng, perf):
        when = rng.random()
        sent = due - rng.randint(HOUR, 2 * DAY) if when < 0.7 else (due if when < 0.75 else due + rng.randint(MINUTE, 3 * DAY))
        sent = max(sent, received + MINUTE)
        letter = {"NgayXinLoi": fmt_compact_local(sent), "NgayHenTraMoi": fmt_compact_local(finished + DAY),
                  "LyDo": rng.choice(REASONS)}
        stamps.append(sent)
        states.append({"DanhSachXinLoi": [letter]})
    if late and rng.random() < 0.2:
        return _life(rng, dossier_id, base, stamps, states)  # still not finished, past due
    stamps.append(finished)
    stamps_done = {"TrangThaiHoSo": "9", "NgayKetThucXuLy": fmt_compact_local(finished)}
    if rng.random() < 0.002:
        stamps_done["NgayKetThucXuLy"] = ""  # finished without an end time: a data-quality quirk
    states.append(stamps_done)
    if rng.random() < 0.85:
        returned = finished + rng.randint(10 * MINUTE, 3 * DAY)
        stamps.append(returned)
        states.append({"TrangThaiHoSo": "10", "NgayTra": fmt_compact_local(returned)})
    return _life(rng, dossier_id, base, stamps, states)


def unit_apology(rng, perf: float) -> float:
    """Units that do well also apologise more; bad ones mostly forget."""
    return 0.9 if perf > 0.9 else 0.35


def _life(rng, dossier_id: str, base: dict, stamps: list[int], states: list[dict]) -> Life:
    stamps = monotone(stamps)
    bad = rng.random() < BAD_RATE
    corruption = rng.randint(0, 2)

    def render(k: int) -> dict:
        rec = dict(base)
        for change in states[:k + 1]:
            rec.update(change)
        rec["NgayCapNhat"] = fmt_compact_local(stamps[k])
        if bad:
            if corruption == 0:
                rec["NgayTiepNhan"] = "20231345250000"  # impossible date
            elif corruption == 1:
                rec["TrangThaiHoSo"] = "11"  # not in the code list
            else:
                rec["MaHoSo"] = ""  # missing id
        return rec

    return Life(dossier_id, stamps, visibility(rng, stamps), render, bad)
