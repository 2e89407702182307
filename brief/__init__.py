"""`cchc brief`: an inspection brief for one unit, an Excel workbook in Vietnamese.

Reads only the published warehouse (`CCHC_WAREHOUSE`), opened read-only, through `reader` (the one reader of
the published file). One job per module:

- `data`: what the workbook shows for one unit (`BriefData`), read through `reader`;
- `lookup`: which unit `--unit` means (code, the spec's name key, a toneless search);
- `workbook` (with `styles`, `remediation`): the five sheets;
- `command`: `run_brief`, the entry `cchc/cli.py` calls, and `write_brief`, the web app's download.
"""

from brief.command import run_brief, write_brief

__all__ = ["run_brief", "write_brief"]
