"""Queries of the login form: only what the file is, for the DỮ LIỆU MÔ PHỎNG banner above the form."""

from __future__ import annotations

import duckdb

from reader.model import Publication
from reader.publication import publication


def read_login(cur: duckdb.DuckDBPyConnection) -> Publication:
    return publication(cur)
