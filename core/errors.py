"""Errors an operator reads: one line that names the system or variable and what to do.

Messages never carry secrets, tokens, query strings or record content. `str(error)` is the whole
readable message; tracebacks are for developers.
"""

from __future__ import annotations


class PipelineError(Exception):
    """Base of every error the pipeline raises on purpose."""

    hint: str = ""

    def __init__(self, message: str, hint: str = ""):
        self.hint = hint
        hint = hint[:1].upper() + hint[1:]
        super().__init__(f"{message}. {hint}".rstrip(". ") + "." if hint else message)


class ConfigError(PipelineError):
    """A configuration variable is missing or wrong. Names the variable, never echoes its value."""

    def __init__(self, variable: str, problem: str, hint: str = ""):
        self.variable = variable
        super().__init__(f"configuration {variable}: {problem}", hint)


class SourceError(PipelineError):
    """A source system failed in a way retries did not fix (or must not fix)."""

    def __init__(self, system: str, problem: str, hint: str = "", path: str | None = None,
                 status: int | None = None, attempts: int | None = None):
        self.system = system
        self.path = path
        self.status = status
        self.attempts = attempts
        where = f" {path}" if path else ""
        super().__init__(f"{system}{where}: {problem}", hint)


class AuthError(SourceError):
    """The gateway refused the client credentials (`invalid_client`): never retried."""


class PagingError(SourceError):
    """Paging that cannot be trusted: a repeated cursor or link, a page that lies about its total,
    a window that keeps moving, a malformed page."""


class StateError(PipelineError):
    """The pipeline's working DuckDB cannot be used as it is."""


class StateLocked(StateError):
    """Another process holds the pipeline's working DuckDB for writing."""


class StateSchemaError(StateError):
    """The state file's layout cannot be upgraded without losing data: an explicit step is needed."""


class SourceChanged(PipelineError):
    """A system's stored records came from another source than the one configured now."""

    def __init__(self, system: str, stored: str, current: str):
        self.system = system
        super().__init__(
            f"{system}: the pipeline state holds records from «{stored}», but this run reads «{current}»; "
            "they are never merged",
            f"if the new source is right, start the system over with `cchc reset {system}` (its raw records, "
            "cursor and rejects are dropped and the next refresh reads it again from CCHC_SYNC_START); "
            "otherwise restore the configuration, or point CCHC_WAREHOUSE at another folder")
