"""`cchc draw`: a risk-weighted surprise draw of units to inspect, auditable and repeatable.

Reads only the published warehouse (`CCHC_WAREHOUSE`), opened read-only; writes only its audit log
(`CCHC_DRAW_LOG`, mode 0600). One job per module:

- `sampling`: the rule, pure — weights, inclusion probabilities (capped at 1), systematic PPS;
- `candidates`: who may be drawn, from the published file;
- `audit`: the log — append, read, its 0600 mode;
- `command`: `run_draw` (draw, `--replay ID`, `--list`), the entry `cchc/cli.py` calls.
"""

from cchc.draw.command import run_draw

__all__ = ["run_draw"]
