"""Document management: incoming and outgoing documents of every unit, with their handling."""

from __future__ import annotations

import uuid
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
from simulator.rng import stream
from simulator.timeutil import DAY, HOUR, add_working_days, fmt_iso_local, local_epoch

PER_YEAR = 6_000_000
WEIGHTS = {"UBND_TP": 0.05, "SO": 0.30, "UBND_HUYEN": 0.25, "UBND_XA": 0.37, "DVSN": 0.03}
KINDS = (("CV", 0.55), ("QD", 0.10), ("KH", 0.07), ("BC", 0.12), ("TB", 0.06), ("TTr", 0.04), ("GM", 0.05),
         ("CT", 0.01))
URGENCY = (("THUONG", 0.80), ("KHAN", 0.14), ("THUONG_KHAN", 0.04), ("HOA_TOC", 0.02))
SUBJECTS = (
    "V/v đôn đốc thực hiện Kế hoạch cải cách hành chính năm {y}",
    "V/v báo cáo kết quả giải quyết thủ tục hành chính quý",
    "V/v triển khai Kế hoạch kiểm tra công tác cải cách hành chính năm {y}",
    "V/v rà soát, đơn giản hóa thủ tục hành chính",
    "V/v tăng cường kỷ luật, kỷ cương hành chính",
    "V/v cung cấp thông tin phục vụ kiểm tra công vụ",
    "V/v số hóa hồ sơ, kết quả giải quyết thủ tục hành chính",
    "V/v thực hiện chế độ báo cáo định kỳ",
    "V/v chuẩn bị nội dung họp giao ban tháng",
    "Về việc phê duyệt kế hoạch chuyển đổi số năm {y}",
    "Về việc kiện toàn Tổ công tác cải cách hành chính",
    "V/v hướng dẫn thực hiện dịch vụ công trực tuyến toàn trình",
    "V/v xử lý văn bản quá hạn trên hệ thống",
    "Thông báo kết luận của Chủ tịch UBND về công tác tiếp công dân",
    "Giấy mời dự hội nghị sơ kết công tác cải cách hành chính",
)
SECRET_SUBJECTS = (
    "Phương án bảo đảm an ninh mục tiêu {tag}",
    "Kế hoạch bảo vệ bí mật nhà nước đợt {tag}",
    "Báo cáo tình hình an ninh chính trị nội bộ số {tag}",
)
SECRECY = (("MAT", 0.007), ("TOI_MAT", 0.0025), ("TUYET_MAT", 0.0005))
EXTERNAL_SENDERS = ("000.00.00.G12", "000.00.00.G05", "000.00.00.G09", "000.00.00.A01")
UNKNOWN_UNIT_CODES = ("000.00.98.H26", "000.45.33.H26", "000.00.12.H62")


def _choice(rng, table):
    r, acc = rng.random(), 0.0
    for value, p in table:
        acc += p
        if r < acc:
            return value
    return table[0][0]


def _secrecy(rng) -> str:
    r = rng.random()
    acc = 0.0
    for value, p in SECRECY:
        acc += p
        if r < acc:
            return value
    return "THUONG"


def generate(ctx: Context, d: date):
    rng = stream(ctx.seed, "qlvb", d.isoformat())
    n = daily_count(rng, PER_YEAR, d, ctx.scale)
    sampler = ctx.directory.sampler(d, WEIGHTS)
    everyone = ctx.directory.sampler(d, {"UBND_TP": 0.2, "SO": 0.4, "UBND_HUYEN": 0.2, "UBND_XA": 0.2})
    for _ in range(n):
        yield _document(ctx, rng, d, sampler, everyone)


def _document(ctx, rng, d, sampler, everyone) -> Life:
    unit = ctx.directory.pick(sampler, rng.random())
    other = ctx.directory.pick(everyone, rng.random())
    doc_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
    incoming = rng.random() < 0.6
    at = office_time(rng, d)
    perf = unit.performance(d)
    secrecy = _secrecy(rng)
    kind = _choice(rng, KINDS)
    urgency = _choice(rng, URGENCY)
    unit_code = unit.code if rng.random() > 0.002 else rng.choice(UNKNOWN_UNIT_CODES)
    if secrecy == "THUONG":
        subject = rng.choice(SUBJECTS).format(y=d.year)
    else:
        subject = rng.choice(SECRET_SUBJECTS).format(tag=f"{rng.randint(100000, 999999)}")
    number = f"{rng.randint(1, 4999)}/{kind if kind != 'CV' else 'UBND'}-{rng.choice(('VP', 'NC', 'KSTTHC', 'TH', 'KT'))}"
    esign = unit.trait("esign", d)
    electronic = rng.random() < esign + (1 - esign) * 0.3
    signed = electronic and rng.random() < esign
    base = {
        "id": doc_id, "chieu": "DEN" if incoming else "DI", "so_ky_hieu": number, "ma_loai": kind,
        "trich_yeu": subject, "ma_don_vi": unit_code,
        "ma_don_vi_lien_quan": (rng.choice(EXTERNAL_SENDERS) if rng.random() < 0.15 else other.code),
        "ngay_ky": (d - timedelta(days=rng.randint(0, 3) if incoming else 0)).isoformat(),
        "thoi_diem": fmt_iso_local(at), "do_mat": secrecy, "do_khan": urgency,
        "hinh_thuc": "DIEN_TU" if electronic else "GIAY", "ky_so": signed,
        "han_xu_ly": None, "trang_thai": "DA_XU_LY", "ngay_hoan_thanh": None,
    }
    stamps: list[int] = [at]
    states: list[dict] = [{}]
    if incoming:
        base["trang_thai"] = "CHUA_XU_LY"
        deadline = None
        if rng.random() < 0.75:
            days = {"HOA_TOC": 1, "KHAN": 3, "THUONG_KHAN": 2}.get(urgency, rng.randint(5, 15))
            deadline = add_working_days(d, days)
            base["han_xu_ly"] = deadline.isoformat()
        started = at + rng.randint(HOUR // 2, 20 * HOUR)
        stamps.append(started)
        states.append({"trang_thai": "DANG_XU_LY"})
        done = _completion(rng, at, started, deadline, perf)
        if done is not None:
            stamps.append(done)
            states.append({"trang_thai": "DA_XU_LY", "ngay_hoan_thanh": fmt_iso_local(done)})
    if rng.random() < 0.003:
        stamps.append(stamps[-1] + rng.randint(HOUR, 30 * DAY))
        states.append({"da_xoa": True})
    bad = rng.random() < BAD_RATE
    corruption = rng.randint(0, 2)

    def render(k: int) -> dict:
        rec = dict(base)
        rec["da_xoa"] = False
        for change in states[1:k + 1]:
            rec.update(change)
        rec["cap_nhat_luc"] = fmt_iso_local(stamps[k])
        if bad:
            _corrupt(rec, corruption)
        return rec

    stamps = monotone(stamps)
    return Life(doc_id, stamps, visibility(rng, stamps), render, bad)


def _completion(rng, at: int, started: int, deadline: date | None, perf: float) -> int | None:
    if deadline is None:
        return started + rng.randint(HOUR, 10 * DAY) if rng.random() < 0.95 else None
    end_of_deadline = local_epoch(deadline, 17)
    if rng.random() < perf:
        if rng.random() < 0.04:  # finished on the deadline day itself
            return local_epoch(deadline, 8) + rng.randint(0, 9 * HOUR)
        return rng.randint(started + 60, max(started + 120, end_of_deadline))
    if rng.random() < 0.3:
        return None  # never handled
    return local_epoch(deadline + timedelta(days=1), 8) + rng.randint(0, 20 * DAY)


def _corrupt(rec: dict, how: int) -> None:
    if how == 0:
        rec["ngay_ky"] = rec["ngay_ky"][:5] + "13-45"  # impossible date
    elif how == 1:
        rec["trang_thai"] = "DA_HUY"  # not in the code list
    else:
        rec["id"] = None  # missing id
