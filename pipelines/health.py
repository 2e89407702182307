"""After a failed refresh: say which system failed, why, and what to do — in the run log and in the
published `marts.source_health`, while every other published table stays as it was."""

from __future__ import annotations

import dagster as dg

from core.settings import Settings
from pipelines.failures import run_failures_from_events
from storage.publish import republish_health
from storage.sqlmodels import discover, prepare
from storage.state import StateStore


def publish_failure_health(settings: Settings) -> bool:
    """Recompute source_health from the sync log and swap it into the published file."""
    if not settings.state_path.exists():
        return False
    with StateStore(settings.state_path) as state:
        prepare(state.con, settings.as_of)
        return republish_health(state.con, settings.warehouse, discover()["marts.source_health"].sql)


def failure_sensor(job) -> dg.SensorDefinition:
    @dg.run_failure_sensor(name="source_health_on_failure", monitored_jobs=[job],
                           default_status=dg.DefaultSensorStatus.RUNNING,
                           description="When a refresh fails, the published source_health shows which system "
                                       "failed and why; the other marts stay as last published.")
    def _sensor(context: dg.RunFailureSensorContext):
        for label, message in run_failures_from_events(context.get_step_failure_events()).items():
            context.log.error(f"{label}: {message}")
        published = publish_failure_health(Settings.from_env())
        context.log.info("source_health republished" if published else "nothing published yet")

    return _sensor
