"""Task tracking: tasks the City PC assigns, named by the lead unit as clerks type it."""

from __future__ import annotations

from datetime import date, timedelta

from simulator.generators.common import (
    BAD_RATE,
    Context,
    Life,
    daily_count,
    monotone,
    office_time,
    visibility,
)
from simulator.naming import UNRESOLVABLE, typed_name
from simulator.rng import stream
from simulator.timeutil import DAY, HOUR, fmt_dmy, fmt_local_seconds, local_epoch

PER_YEAR = 20_000
WEIGHTS = {"SO": 0.50, "UBND_HUYEN": 0.40, "UBND_XA": 0.06, "DVSN": 0.04}
SUBJECTS = (
    "Triển khai Kế hoạch cải cách hành chính năm {y}",
    "Rà soát, cắt giảm thủ tục hành chính nội bộ",
    "Đẩy mạnh cung cấp dịch vụ công trực tuyến toàn trình",
    "Khắc phục tồn tại, hạn chế qua kiểm tra công tác cải cách hành chính",
    "Nâng cao Chỉ số cải cách hành chính năm {y}",
    "Triển khai Đề án 06 về phát triển ứng dụng dữ liệu dân cư",
    "Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính",
    "Xây dựng báo cáo chuyên đề về tiếp công dân",
    "Tổ chức đối thoại với doanh nghiệp, người dân",
    "Chấn chỉnh tình trạng hồ sơ quá hạn",
)
ASSIGNING_DOCS = ("61/KH-UBND", "{n}/KH-UBND", "{n}/UBND-KSTTHC", "{n}/TB-VP", "{n}/UBND-NC")


def generate(ctx: Context, d: date):
    rng = stream(ctx.seed, "nhiemvu", d.isoformat())
    n = daily_count(rng, PER_YEAR, d, ctx.scale)
    sampler = ctx.directory.sampler(d, WEIGHTS)
    helpers = ctx.directory.sampler(d, {"SO": 0.7, "UBND_HUYEN": 0.2, "UBND_XA": 0.1})
    for k in range(n):
        yield _task(ctx, rng, d, k + 1, sampler, helpers)


def _task(ctx, rng, d: date, seq: int, sampler, helpers) -> Life:
    unit = ctx.directory.pick(sampler, rng.random())
    task_id = f"NV-{d.year}-{d.timetuple().tm_yday:03d}{seq:03d}"
    lead = rng.choice(UNRESOLVABLE) if rng.random() < 0.01 else typed_name(unit, rng)
    partners = [typed_name(ctx.directory.pick(helpers, rng.random()), rng) for _ in range(rng.choice((0, 0, 1, 2, 3)))]
    assigned = office_time(rng, d)
    deadline = None if rng.random() < 0.08 else d + timedelta(days=rng.randint(10, 90))
    base = {
        "ma_nhiem_vu": task_id, "trich_yeu": rng.choice(SUBJECTS).format(y=d.year),
        "van_ban_giao": rng.choice(ASSIGNING_DOCS).format(n=rng.randint(100, 4999)),
        "ngay_giao": fmt_dmy(d), "han_hoan_thanh": fmt_dmy(deadline), "don_vi_chu_tri": lead,
        "don_vi_phoi_hop": partners, "tinh_trang": "DANG_THUC_HIEN", "ngay_hoan_thanh": None, "gia_han": [],
    }
    stamps, states = [assigned], [{}]
    extensions: list[dict] = []
    effective = deadline
    if deadline is not None and rng.random() < unit.traits["extensions"]:
        for _ in range(rng.choice((1, 1, 2, 3))):
            agreed = effective - timedelta(days=rng.randint(0, 10))
            agreed = max(agreed, d)
            new_deadline = effective + timedelta(days=rng.randint(10, 45))
            extensions.append({"han_moi": fmt_dmy(new_deadline), "ngay_dong_y": fmt_dmy(agreed)})
            if rng.random() < 0.1:  # two extensions agreed the same day: the later deadline wins
                extensions.append({"han_moi": fmt_dmy(new_deadline - timedelta(days=5)), "ngay_dong_y": fmt_dmy(agreed)})
            stamps.append(local_epoch(agreed, 9) + rng.randint(0, 8 * HOUR))
            states.append({"gia_han": list(extensions)})
            effective = new_deadline
    perf = unit.performance(effective or d)
    if rng.random() < 0.02:
        stamps.append(assigned + rng.randint(DAY, 40 * DAY))
        states.append({"tinh_trang": "DUNG_THUC_HIEN"})
    else:
        done = _completion(rng, d, effective, perf)
        if done is not None:
            stamps.append(local_epoch(done, 8) + rng.randint(0, 9 * HOUR))
            states.append({"tinh_trang": "HOAN_THANH", "ngay_hoan_thanh": fmt_dmy(done)})
    stamps = monotone(stamps)
    bad = rng.random() < BAD_RATE
    corruption = rng.randint(0, 2)

    def render(k: int) -> dict:
        rec = dict(base)
        for change in states[:k + 1]:
            rec.update(change)
        rec["cap_nhat_luc"] = fmt_local_seconds(stamps[k])
        if bad:
            if corruption == 0:
                rec["ngay_giao"] = "31/02/" + rec["ngay_giao"][-4:]
            elif corruption == 1:
                rec["tinh_trang"] = "TAM_DUNG"
            else:
                rec["ma_nhiem_vu"] = None
        return rec

    return Life(task_id, stamps, visibility(rng, stamps), render, bad)


def _completion(rng, assigned: date, deadline: date | None, perf: float) -> date | None:
    if deadline is None:
        return assigned + timedelta(days=rng.randint(5, 120)) if rng.random() < 0.7 else None
    if rng.random() < perf:
        if rng.random() < 0.05:
            return deadline  # done on the deadline day itself
        return assigned + timedelta(days=rng.randint(1, max(1, (deadline - assigned).days)))
    if rng.random() < 0.3:
        return None
    return deadline + timedelta(days=rng.randint(1, 60))
