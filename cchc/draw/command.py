"""`cchc draw --n N [--unit-type T …] [--seed S]`, `cchc draw --replay ID`, `cchc draw --list`.

The drawn units are printed to the operator's terminal and written to the audit log (mode 0600) only.
"""

from __future__ import annotations

import argparse
import getpass
import secrets
from datetime import date, datetime
from fractions import Fraction
from pathlib import Path

from cchc.draw import audit
from cchc.draw.candidates import (
    Candidate,
    DrawError,
    Pool,
    file_digest,
    open_published,
    read_pool,
)
from cchc.draw.sampling import (
    RULE,
    SamplingError,
    check_rule,
    inclusion_probabilities,
    systematic_pps,
    weight,
)
from core import clock
from core.errors import ConfigError
from core.settings import Settings
from core.vietnamese import number, percent
from models.directory import UNIT_TYPE_VI

SIMULATED_WARNING = ("⚠ DỮ LIỆU MÔ PHỎNG: tệp này là dữ liệu của thành phố giả lập, KHÔNG dùng kết quả bốc thăm "
                     "để đi kiểm tra thật.")


def run_draw(args: argparse.Namespace) -> int:
    try:
        settings = Settings.from_env()
    except ConfigError as exc:
        raise DrawError(str(exc)) from None
    log = audit.log_path(settings.state_path)
    if (args.list or args.replay) and (args.seed is not None or args.unit_types):
        raise DrawError("--seed và --unit-type chỉ dùng khi bốc (--n); lần bốc lại dùng đúng tham số đã ghi")
    try:
        if args.list:
            return _list(log)
        if args.replay:
            return _replay(settings.warehouse, log, args.replay)
        if args.n is None:
            raise DrawError("hãy cho biết số đơn vị cần bốc: `cchc draw --n N` (hoặc --replay ID, --list)")
        return _draw(settings.warehouse, log, args)
    except SamplingError as exc:
        raise DrawError(str(exc)) from None


# --- the draw ---------------------------------------------------------------------------------------------


def probabilities(candidates: list[dict] | list[Candidate], n: int, floor: float) -> list[Fraction]:
    """π of each candidate (in the order given) by the rule of `sampling`."""
    scores = [c["risk_score"] if isinstance(c, dict) else c.risk_score for c in candidates]
    return inclusion_probabilities([weight(floor, s) for s in scores], n)


def _read(warehouse: Path, unit_types: list[str], months: int) -> tuple[Pool, str]:
    """The pool of candidates and the digest of the file it was read from (unchanged while read)."""
    with open_published(warehouse) as con:
        before = file_digest(warehouse)
        pool = read_pool(con, unit_types, months)
    if file_digest(warehouse) != before:
        raise DrawError(f"tệp dữ liệu {warehouse} vừa thay đổi trong lúc đọc (một lần cập nhật đang chạy?) — "
                        "hãy bốc lại")
    return pool, before


def _draw(warehouse: Path, log: Path, args: argparse.Namespace) -> int:
    if args.seed is not None and args.seed < 0:
        raise DrawError(f"--seed phải là số nguyên không âm (đang là {args.seed})")
    unit_types = sorted(set(args.unit_types or []))
    pool, digest = _read(warehouse, unit_types, args.recent_months)
    if args.n > len(pool.candidates):
        raise DrawError(f"cần bốc {number(args.n)} đơn vị nhưng chỉ có {number(len(pool.candidates))} đơn vị đủ "
                        f"điều kiện ({number(len(pool.excluded))} đơn vị bị loại vì đã được kiểm tra gần đây)")
    seed = args.seed if args.seed is not None else secrets.randbelow(10**12)
    pis = probabilities(pool.candidates, args.n, args.floor)
    drawn = [pool.candidates[i] for i in systematic_pps(pis, seed)]
    drawn_at = clock.now_local().replace(microsecond=0)
    entry = {
        "id": audit.new_id(log, drawn_at),
        "drawn_at": drawn_at.isoformat(),
        "operator": getpass.getuser(),
        "as_of": pool.publication.as_of.isoformat(),
        "warehouse": str(warehouse.resolve()),
        "sha256": digest,
        "data_kind": pool.publication.data_kind,
        "simulated": pool.publication.simulated,
        "parameters": {"n": args.n, "unit_types": unit_types, "recent_months": args.recent_months,
                       "inspected_after": pool.since.isoformat(), "floor": args.floor, "seed": seed,
                       "rule": RULE, "rule_version": pool.rule_version},
        "notes": pool.notes,
        "candidates": [{"code": c.code, "name": c.name, "type": c.type, "risk_score": c.risk_score,
                        "weight": float(weight(args.floor, c.risk_score)), "probability": float(p),
                        "probability_exact": str(p), "readmitted": c.readmitted}
                       for c, p in zip(pool.candidates, pis, strict=True)],
        "excluded": [{"code": e.code, "name": e.name, "type": e.type, "reason": e.reason_vi,
                      "inspection_id": e.inspection_id, "started_on": e.started_on.isoformat()}
                     for e in pool.excluded],
        "drawn": [{"code": c.code, "name": c.name, "reasons": pool.reasons.get(c.code, [])} for c in drawn],
    }
    audit.append(log, entry)  # logged before anything is shown: no draw is seen that the log lacks
    _print_draw(entry)
    print(f"\nĐã ghi vào nhật ký {log} (chỉ người vận hành đọc được).")
    print(f"Bốc lại đúng như vậy: cchc draw --replay {entry['id']}")
    if entry["simulated"]:
        print(SIMULATED_WARNING)
    return 0


# --- replay -----------------------------------------------------------------------------------------------


def _replay(warehouse: Path, log: Path, draw_id: str) -> int:
    """The same list again, from the logged candidates and seed; from the file too when it is unchanged."""
    entry = audit.find_entry(log, draw_id)
    parameters = entry["parameters"]
    check_rule(parameters["rule"], parameters["rule_version"])  # each entry replays by the rule it was drawn by
    logged = entry["candidates"]
    pis = probabilities(logged, parameters["n"], parameters["floor"])
    if [float(p) for p in pis] != [c["probability"] for c in logged]:
        raise DrawError(f"nhật ký {log} không khớp: xác suất tính lại khác xác suất đã ghi của lần bốc {draw_id}")
    codes = [logged[i]["code"] for i in systematic_pps(pis, parameters["seed"])]
    if codes != [d["code"] for d in entry["drawn"]]:
        raise DrawError(f"nhật ký {log} không khớp: bốc lại lần {draw_id} cho danh sách khác danh sách đã ghi")
    _print_draw(entry, replay=True)
    print()
    digest = file_digest(warehouse) if warehouse.is_file() else None
    if digest == entry["sha256"]:
        pool, _ = _read(warehouse, parameters["unit_types"], parameters["recent_months"])
        again = [pool.candidates[i].code for i in systematic_pps(
            probabilities(pool.candidates, parameters["n"], parameters["floor"]), parameters["seed"])]
        same_pool = [(c.code, c.risk_score) for c in pool.candidates] == [(c["code"], c["risk_score"]) for c in logged]
        if not same_pool or again != codes or pool.rule_version != parameters["rule_version"]:
            raise DrawError(f"tính lại từ tệp {warehouse} (giống hệt lúc bốc) cho kết quả khác nhật ký")
        print(f"Tệp dữ liệu {warehouse} giống hệt lúc bốc (sha256 {digest[:16]}…): tính lại từ tệp được đúng "
              f"{number(len(pool.candidates))} ứng viên, cùng xác suất, và đúng danh sách trên.")
    else:
        now = f"bây giờ sha256 {digest[:16]}…" if digest else "bây giờ không có tệp"
        print(f"TỆP DỮ LIỆU ĐÃ KHÁC LÚC BỐC: {warehouse} (lúc bốc sha256 {entry['sha256'][:16]}…, {now}).")
        print("Đã bốc lại từ danh sách ứng viên và xác suất ghi trong nhật ký, với cùng hạt giống.")
    print(f"Danh sách bốc lại trùng khớp với danh sách đã ghi trong nhật ký ({number(len(codes))} đơn vị).")
    if entry["simulated"]:
        print(SIMULATED_WARNING)
    return 0


# --- list -------------------------------------------------------------------------------------------------


def _list(log: Path) -> int:
    """The draws logged, without the units drawn (`--replay ID` shows them)."""
    entries = audit.read_entries(log)
    if not entries:
        print(f"Chưa có lần bốc thăm nào (nhật ký {log}).")
        return 0
    print(f"Các lần bốc thăm (nhật ký {log}; danh sách đơn vị được bốc: `cchc draw --replay ID`):")
    for e in entries:
        p = e["parameters"]
        kinds = ", ".join(p["unit_types"]) or "mọi loại"
        print(f"  {e['id']}  {datetime.fromisoformat(e['drawn_at']):%d/%m/%Y %H:%M}  {e['operator']}  "
              f"dữ liệu ngày {date.fromisoformat(e['as_of']):%d/%m/%Y}  "
              f"bốc {number(p['n'])}/{number(len(e['candidates']))} "
              f"({kinds})" + ("  DỮ LIỆU MÔ PHỎNG" if e["simulated"] else ""))
    return 0


# --- the terminal -----------------------------------------------------------------------------------------


def _print_draw(entry: dict, replay: bool = False) -> None:
    p = entry["parameters"]
    if entry["simulated"]:
        print(SIMULATED_WARNING)
    print(f"{'BỐC LẠI' if replay else 'BỐC THĂM'} KIỂM TRA ĐỘT XUẤT — lần bốc {entry['id']}"
          + (f" (bốc lúc {datetime.fromisoformat(entry['drawn_at']):%d/%m/%Y %H:%M}, {entry['operator']})"
             if replay else ""))
    print(f"Dữ liệu: {entry['warehouse']} ({entry['data_kind'] or 'không rõ loại dữ liệu'}), tính đến ngày "
          f"{date.fromisoformat(entry['as_of']):%d/%m/%Y}; sha256 {entry['sha256'][:16]}…")
    for note in entry["notes"]:
        print(f"  • {note}")
    readmitted = sum(1 for c in entry["candidates"] if c["readmitted"])
    kinds = ", ".join(p["unit_types"]) or "mọi loại"
    print(f"Ứng viên: {number(len(entry['candidates']))} đơn vị đang hoạt động ({kinds}); loại "
          f"{number(len(entry['excluded']))} đơn vị đã được kiểm tra sau ngày "
          f"{date.fromisoformat(p['inspected_after']):%d/%m/%Y}"
          + (f"; {number(readmitted)} đơn vị cần tái kiểm tra vẫn được bốc" if readmitted else "") + ".")
    # the seed is written as typed (no thousands dots): the operator may pass it back with --seed
    score = "điểm rủi ro có xét số trường hợp" if p["rule_version"] >= 2 else "điểm rủi ro theo tỷ lệ thô"
    print(f"Quy tắc {p['rule']} v{p['rule_version']}: trọng số = {number(p['floor'], None)} + {score}; xác suất "
          f"= {number(p['n'])} × trọng số / tổng trọng số (tối đa 1); bốc hệ thống, hạt giống {p['seed']}.")
    by_code = {c["code"]: c for c in entry["candidates"]}
    print(f"\nCác đơn vị được bốc ({number(len(entry['drawn']))}) — GIỮ KÍN đến khi kiểm tra:")
    width = max(len(d["code"]) for d in entry["drawn"])
    for i, d in enumerate(entry["drawn"], 1):
        c = by_code[d["code"]]
        print(f"  {i:>2}. {d['code']:<{width}}  {d['name']}  ({UNIT_TYPE_VI.get(c['type'], c['type'])})  "
              f"rủi ro {number(c['risk_score'], 2)}  xác suất {percent(c['probability'])}"
              + ("  [tái kiểm tra]" if c["readmitted"] else ""))
        for reason in d.get("reasons", []):  # logged since rule version 2
            print(f"        lý do: {reason}")
