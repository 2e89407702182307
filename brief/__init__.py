"""`cchc brief`: an inspection brief for one unit, an Excel workbook in Vietnamese.

Reads only the published warehouse (`CCHC_WAREHOUSE`), opened read-only. One job per module:

- `warehouse`: what the brief reads (dataclasses) and the queries that read it;
- `lookup`: which unit `--unit` means (code, the spec's name key, a toneless search);
- `pooling`: each signal pooled over the window, by the rule of `marts.unit_signals_pooled`;
- `workbook` (with `styles`): the four sheets;
- `command`: `run_brief`, the entry `cchc/cli.py` calls.
"""

from brief.command import run_brief

__all__ = ["run_brief"]
