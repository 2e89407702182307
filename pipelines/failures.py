"""Failures of a Dagster run, one readable line each: the message of our own error inside Dagster's
wrapping, else the innermost cause."""

from __future__ import annotations

import re

from dagster import AssetCheckSeverity

from core import errors


def _subclasses(cls: type) -> set[type]:
    return {cls}.union(*(_subclasses(sub) for sub in cls.__subclasses__()))


OUR_ERRORS = frozenset(cls.__name__ for cls in _subclasses(errors.PipelineError))
"""Names of the errors we raise on purpose (all in `core.errors`): their messages are the readable ones."""


NOT_WRITABLE = frozenset(cls.__name__ for cls in _subclasses(errors.FolderNotWritable))


def _chain(error) -> list:
    chain = []
    while error is not None:
        chain.append(error)
        error = error.cause or getattr(error, "context", None)
    return chain


def readable_error(error) -> str:
    """The message of our own error inside Dagster's wrapping, else the innermost cause."""
    chain = _chain(error)
    for err in chain:
        if err.cls_name in OUR_ERRORS:
            return err.message.strip().split("\n")[0].removeprefix(f"core.errors.{err.cls_name}: ")
    for err in chain:  # a disk that filled, a folder made read-only, under a step that said nothing of it
        cannot_write = errors.not_writable(err.message)
        if cannot_write is not None:
            return str(cannot_write)
    last = chain[-1]
    return f"{last.cls_name}: {last.message.strip().splitlines()[0] if last.message.strip() else ''}"


def _about_the_folder(error) -> bool:
    """Whether the failure is a folder that cannot be written (the same for every step that meets it)."""
    return any(err.cls_name in NOT_WRITABLE or errors.not_writable(err.message) is not None for err in _chain(error))


def run_failures_from_events(events) -> dict[str, str]:
    """Step and resource failures, by step (or resource), as one readable line each. Steps failed by one
    folder that cannot be written (a full disk fails every step after it) are one line: the first step's
    label says how many more."""
    failures, same_folder = {}, {}
    for event in events:
        error = getattr(event.event_specific_data, "error", None)
        if error is None or event.event_type_value not in ("STEP_FAILURE", "RESOURCE_INIT_FAILURE"):
            continue
        label, message = (event.step_key or "resources").removeprefix("raw__"), readable_error(error)
        if _about_the_folder(error):
            # the same folder and reason, whatever the free space was when each step met it
            same_folder.setdefault(re.sub(r" \(\d+\.\d MB free now\)", "", message), []).append((label, message))
            continue
        failures[label] = message
    for steps in same_folder.values():
        (first, message), more = steps[0], len(steps) - 1
        failures[f"{first} (and {more} more step{'s' if more > 1 else ''})" if more else first] = message
    return failures


def run_failures(result) -> dict[str, str]:
    """Every failure of a run: failed steps and resources, and failed checks of severity ERROR (the blocking
    marts checks); a warning (a raw asset's reject rate) is no failure."""
    failures = run_failures_from_events(result.all_events)
    for evaluation in result.get_asset_check_evaluations():
        if not evaluation.passed and evaluation.severity == AssetCheckSeverity.ERROR:
            rows = evaluation.metadata.get("offending_rows")
            failures[f"check {evaluation.asset_key.to_user_string()}:{evaluation.check_name}"] = (
                f"failed on {rows.value if rows else '?'} rows; the warehouse was not published")
    return failures


def interrupted(result) -> bool:
    """Whether the run stopped because the operator interrupted it (Ctrl-C, SIGTERM)."""
    for event in result.all_events:
        if event.event_type_value == "RUN_CANCELED":
            return True
        error = getattr(event.event_specific_data, "error", None)
        while error is not None:
            if error.cls_name in ("KeyboardInterrupt", "DagsterExecutionInterruptedError"):
                return True
            error = error.cause or getattr(error, "context", None)
    return False
