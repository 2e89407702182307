"""`cchc reset SYSTEM`: start a system over after its source changed (the identity guard's way out).

Its raw records, cursor, source identity and rejects are dropped in one transaction; its sync log is
kept. The next refresh reads it again from CCHC_SYNC_START, from the source configured then. The
published file is not touched until that refresh publishes.
"""

from __future__ import annotations

import sys

from core.english import counted
from core.errors import ConfigError
from core.settings import Settings
from sources import SYSTEMS, system_named
from storage.state import StateStore


def run_reset(name: str, yes: bool, out=None) -> int:
    out = out or sys.stdout  # looked up now, not when the module was imported (a test's captured stream)
    settings = Settings.from_env()
    try:
        systems = SYSTEMS if name == "all" else (system_named(name),)
    except KeyError as exc:
        raise ConfigError("SYSTEM", exc.args[0]) from None
    if not settings.state_path.exists():
        print(f"Nothing to reset: there is no pipeline state at {settings.state_path}.", file=out)
        return 0
    names = ", ".join(s.name for s in systems)
    if not yes:
        if not sys.stdin.isatty():
            print(f"cchc reset: this drops every stored record of {names}; run again with --yes to confirm.",
                  file=sys.stderr)
            return 2
        answer = input(f"Drop every stored record, the cursor and the rejects of {names}? [y/N] ")
        if answer.strip().lower() not in ("y", "yes", "c", "có"):
            print("Nothing was changed.", file=out)
            return 1
    with StateStore(settings.state_path) as state:
        for system in systems:
            dropped = state.reset(system)
            rows = ", ".join(f"{table} {counted(count, 'row')}" for table, count in dropped.items())
            print(f"{system.name}: started over (dropped {rows}); the next refresh reads it from "
                  f"{settings.sync_start.isoformat()}.", file=out)
    return 0
