"""Running the refresh job in process (`cchc refresh`), and saying plainly what happened."""

from __future__ import annotations

import signal
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

import dagster as dg

from core.errors import PipelineError, writing_in
from core.settings import Settings
from core.workdays import load_calendar
from pipelines.alerts import send_failure_alert
from pipelines.definitions import defs
from pipelines.failures import interrupted, run_failures
from pipelines.health import publish_failure_health
from pipelines.instance import dagster_home, project_instance


def refresh(out=None, err=None, instance: dg.DagsterInstance | None = None, debug: bool = False,
            reconcile: bool = False) -> int:
    """Run the refresh job once on the project's instance (the one `cchc ui` shows) — or, with `reconcile`,
    the reconcile job (every system re-read over CCHC_RECONCILE_DAYS); print one line per system, and every
    failure on `err`. 0 when all succeeded, 1 when something failed, 2 on a configuration error, 130 when
    interrupted (Ctrl-C)."""
    out, err = out or sys.stdout, err or sys.stderr  # the streams of the call, not of the import
    settings = checked_settings(err)
    if settings is None:
        return 2
    began = time.perf_counter()
    job = defs.resolve_job_def("reconcile" if reconcile else "refresh")
    # Dagster's own event lines only with --debug: the progress and the summary say what matters
    loggers = {"console": {"config": {"log_level": "DEBUG" if debug else "CRITICAL"}}}
    with (instance or _project_instance()) as inst, _interrupts() as seen, _children_deaf_to_ctrl_c(inst):
        result = job.execute_in_process(instance=inst, raise_on_error=False, run_config={"loggers": loggers})
        failures = run_failures(result)
        if interrupted(result) or seen:
            print(f"\nRefresh interrupted after {time.perf_counter() - began:.1f} s (run {result.run_id[:8]}): "
                  "the system being synced wrote nothing; the published file is as it was.", file=err)
            return 130
        ok = result.success and not failures
        print(f"\nRefresh {'succeeded' if ok else 'FAILED'} in {time.perf_counter() - began:.1f} s "
              f"(run {result.run_id[:8]}{'' if inst.is_ephemeral else ', see `cchc ui`'})", file=out)
        _print_summary(result, out)
        for label, message in failures.items():
            # our errors already start with their system: say it once
            print(f"  {message}" if message.startswith((f"{label} ", f"{label}:")) else f"  {label}: {message}",
                  file=err)
        if failures and any(not label.startswith("check ") for label in failures):
            if publish_failure_health(settings):
                print("  published      marts.source_health updated with the failure; other marts unchanged",
                      file=out)
        if not ok and send_failure_alert(settings, failures, result.run_id):
            print("  alert          e-mail sent to " + ", ".join(settings.alert.recipients), file=out)
        return 0 if ok else 1


def _project_instance() -> dg.DagsterInstance:
    """The project's instance; a DAGSTER_HOME that cannot be written is one line naming it."""
    with writing_in(dagster_home(), "the Dagster instance's run history", "DAGSTER_HOME"):
        instance = project_instance()
        instance.get_runs(limit=1)  # opens (and creates) the run storage now, not inside the run
    return instance


def checked_settings(err=None, prefix: str = "cchc refresh") -> Settings | None:
    """The settings, or None after saying what is wrong: a wrong variable is one line here, not a stack of
    Dagster errors, and a bad calendar file one line per bad row, before anything runs."""
    try:
        settings = Settings.from_env()
        load_calendar(settings.calendar_file)
    except PipelineError as exc:
        for line in str(exc).splitlines():
            print(f"{prefix}: {line}", file=err or sys.stderr)
        return None
    return settings


@contextmanager
def _interrupts() -> Iterator[list[int]]:
    """Notes a Ctrl-C during the run, then lets it interrupt as usual. Whatever runs then reports it its own
    way — a DuckDB query says "Query interrupted" — but the operator asked to stop: the run says so (130)."""
    seen: list[int] = []
    if threading.current_thread() is not threading.main_thread():
        yield seen  # signals are delivered to the main thread only
        return
    previous = signal.getsignal(signal.SIGINT)

    def note(signum, frame):
        if previous == signal.SIG_IGN:
            return
        seen.append(signum)
        if callable(previous):
            previous(signum, frame)
        else:
            raise KeyboardInterrupt

    signal.signal(signal.SIGINT, note)
    try:
        yield seen
    finally:
        signal.signal(signal.SIGINT, previous)


@contextmanager
def _children_deaf_to_ctrl_c(instance: dg.DagsterInstance) -> Iterator[None]:
    """Dagster mirrors a run's stdout and stderr through child processes (`tail`, and a Python
    `watch_orphans.py` per stream). Ctrl-C on a terminal reaches the whole process group, so each Python child
    printed a KeyboardInterrupt traceback before the run's own line. The children are started with SIGINT
    ignored, which they inherit (Python then installs no handler for it); Dagster ends them with the run.
    A Ctrl-C in the few milliseconds they take to start is lost: the operator presses it again."""
    manager = instance.compute_log_manager
    capture_logs = manager.capture_logs

    @contextmanager
    def capture_logs_deaf(log_key):
        with ExitStack() as stack:
            previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
            try:
                context = stack.enter_context(capture_logs(log_key))
            finally:
                signal.signal(signal.SIGINT, previous)
            yield context

    if threading.current_thread() is not threading.main_thread():  # only the main thread sets handlers
        yield
        return
    manager.capture_logs = capture_logs_deaf  # this instance's manager only, for this run
    try:
        yield
    finally:
        del manager.capture_logs


def _print_summary(result, out) -> None:
    marts = []
    for event in result.get_asset_materialization_events():
        mat = event.materialization
        key = mat.asset_key.to_user_string()
        md = {k: v.value for k, v in mat.metadata.items()}
        if key.startswith("raw/"):
            print(f"  {key:<14} fetched {md.get('rows_fetched', 0):>9,}  new {md.get('rows_new', 0):>9,}  "
                  f"updated {md.get('rows_updated', 0):>8,}  rejected {md.get('rows_rejected', 0):>5,}", file=out)
        elif key.startswith("marts/"):
            marts.append(f"{key.removeprefix('marts/')} {md.get('rows', 0):,}")
        elif key == "published/warehouse":
            print(f"  published      {md['path']} ({md['size_mb']} MB)", file=out)
    if marts:
        print("  marts          " + ", ".join(marts), file=out)
