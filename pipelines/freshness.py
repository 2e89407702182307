"""Freshness of the sources: warn when a system has not synced for 36 hours (a missed night and a
half), fail after 72. Evaluated by Dagster's freshness daemon and shown on each raw asset."""

from datetime import timedelta

import dagster as dg

SOURCE_FRESHNESS = dg.FreshnessPolicy.time_window(fail_window=timedelta(hours=72), warn_window=timedelta(hours=36))
