"""The reader's one error type: the published file cannot be read as asked.

The message is what the operator or the inspector reads (one line, Vietnamese, with what to do); the CLI
prints it and exits 2 (it is a `ValueError`), the web app shows its "no data yet" page for `NoPublishedFile`.
"""


class ReadError(ValueError):
    """The published file is missing, unreadable, or lacks what was asked of it."""


class NoPublishedFile(ReadError):
    """There is no published file yet (no refresh has run with this CCHC_WAREHOUSE)."""
