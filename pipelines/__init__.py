"""Dagster definitions: resources, assets, checks, jobs and schedules of the CCHC pipeline."""
