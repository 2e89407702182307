"""After a failed refresh: say which system failed, why, and what to do — in the run log, in the
published `marts.source_health` (every other published table stays as it was), and by e-mail when
the alert is configured (`pipelines/alerts.py`)."""

from __future__ import annotations

import logging

import dagster as dg

from core.errors import FolderNotWritable, PipelineError
from core.settings import Settings
from pipelines.alerts import send_failure_alert
from pipelines.failures import run_failures_from_events
from storage.publish import republish_health
from storage.sqlmodels import discover, prepare
from storage.state import StateStore

log = logging.getLogger(__name__)


def publish_failure_health(settings: Settings) -> bool:
    """Recompute source_health from the sync log and swap it into the published file."""
    if not settings.state_path.exists():
        return False
    try:
        with StateStore(settings.state_path) as state:
            prepare(state.con, settings.as_of)
            return republish_health(state.con, settings.warehouse, discover()["marts.source_health"].sql)
    except FolderNotWritable as exc:  # the run's failures said so already: not a second error on top
        log.info("source_health was not republished: %s", exc)
        return False


def failure_sensor(*jobs) -> dg.SensorDefinition:
    @dg.run_failure_sensor(name="source_health_on_failure", monitored_jobs=list(jobs),
                           default_status=dg.DefaultSensorStatus.RUNNING,
                           description="When a refresh fails, the published source_health shows which system "
                                       "failed and why; the other marts stay as last published. With "
                                       "CCHC_ALERT_SMTP_HOST set, an e-mail says so too.")
    def _sensor(context: dg.RunFailureSensorContext):
        failures = run_failures_from_events(context.get_step_failure_events())
        for label, message in failures.items():
            context.log.error(f"{label}: {message}")
        try:
            settings = Settings.from_env()
        except PipelineError:
            alert_failed_run(context, None, failures)  # a wrong variable is a failed night too
            raise
        try:
            published = publish_failure_health(settings)
            context.log.info("source_health republished" if published else "nothing published yet")
        finally:
            alert_failed_run(context, settings, failures)  # after it: the e-mail tells what the file shows

    return _sensor


WILL_RETRY_TAG = "dagster/will_retry"
"""Set by Dagster on a failed run that its run retries will run again (dagster_home/dagster.yaml)."""


def alert_failed_run(context: dg.RunFailureSensorContext, settings: Settings | None, failures: dict[str, str]) -> None:
    """The failure e-mail, once per failed night: not for a run that Dagster is about to retry."""
    run = context.instance.get_run_by_id(context.dagster_run.run_id) or context.dagster_run
    if run.tags.get(WILL_RETRY_TAG) == "true":
        context.log.info("no failure e-mail yet: the run will be retried, and its retry sends one if it fails too")
        return
    if not failures and context.failure_event.message:
        failures = {"run": context.failure_event.message.strip().splitlines()[0]}
    if send_failure_alert(settings, failures, run.run_id):
        context.log.info("failure e-mail sent")
