"""A source database read through a read-only account with SQLAlchemy Core: system 5, the City
Inspectorate's petitions database (spec/sources.md §5), as its declaration (`sources.catalog`) says.

The reader is deliberately narrow:

- it selects only the columns the record models declare, so the sender's personal data and the
  free text (``ho_ten_nguoi_gui``, ``cccd_nguoi_gui``, ``dia_chi_nguoi_gui``, ``noi_dung``) are never
  even read from the database;
- it streams (server-side cursor on PostgreSQL, native stepping on SQLite) in batches of
  ``batch_size`` rows, ordered by ``updated_at, id``: memory does not grow with the table;
- every read runs in a read-only transaction (PostgreSQL ``SET TRANSACTION READ ONLY``; SQLite
  ``PRAGMA query_only`` and, for a plain file URL, the file opened with ``mode=ro``);
- every database failure becomes one :class:`SourceError` naming the system, the problem and what
  to check. The URL appears only through :func:`redact_url` (password masked, query string dropped);
  the DBAPI exception, whose text may carry the URL or SQL parameters, is not chained.

Rows are returned as the driver gives them (SQLite: ISO strings and 0/1 integers; PostgreSQL:
``date``/``datetime``/``bool``); the record models parse both.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import quote

from sqlalchemy import DateTime, bindparam, column, create_engine, func, inspect, select, table
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError
from sqlalchemy.sql.expression import Select, TableClause

from core.errors import SourceError
from core.settings import Secret, redact_url
from core.timezone import ICT
from sources import Database, RawTable, System

__all__ = ["DatabaseReader", "selected_columns"]

URL_HINT = "use e.g. postgresql+psycopg://user:password@host/db or sqlite:///path"

DEFAULT_CONNECT_TIMEOUT = 10


def selected_columns(raw: RawTable) -> tuple[str, ...]:
    """The columns read from a source table: exactly the fields its model declares, never a personal one."""
    return tuple(f for f in raw.model.model_fields if f not in raw.model.PERSONAL_FIELDS)


def _table(raw: RawTable) -> TableClause:
    return table(raw.source_table, *(column(c) for c in selected_columns(raw)))


# --------------------------------------------------------------------------- dialect differences


@dataclass(frozen=True)
class _Dialect:
    url: URL
    """The URL the engine is built from (may differ from the operator's: read-only SQLite file)."""
    connect_args: dict[str, Any] = field(default_factory=dict)
    read_only_sql: str | None = None
    """Run first on every read's connection, inside its transaction, to make it read-only."""


def _dialect(url: URL, connect_timeout: int) -> _Dialect:
    """Everything that differs between SQLite, PostgreSQL and anything else, in one place."""
    backend = url.get_backend_name()
    if backend in ("postgresql", "postgres"):
        if url.drivername in ("postgresql", "postgres"):
            # Only psycopg 3 is installed; SQLAlchemy's default PostgreSQL driver is psycopg2.
            url = url.set(drivername="postgresql+psycopg")
        args = {} if "connect_timeout" in url.query else {"connect_timeout": connect_timeout}
        return _Dialect(url, args, "SET TRANSACTION READ ONLY")
    if backend == "sqlite":
        db = url.database
        uri = str(url.query.get("uri", "")).lower() in ("true", "1")
        if db and db != ":memory:" and not uri and not db.startswith("file:"):
            # Open the operator's file read-only (and never create it when it is missing).
            url = url.set(database=f"file:{quote(db, safe='/')}",
                          query={**url.query, "mode": "ro", "uri": "true"})
        return _Dialect(url, {}, "PRAGMA query_only = ON")
    # Other databases: read-only rests on the account the operator was given.
    return _Dialect(url)


# --------------------------------------------------------------------------- the source


class DatabaseReader:
    """A read-only, streaming reader of a declared source database. Use it as a context manager."""

    def __init__(self, system: System, url: Secret | str, *, batch_size: int = 5000,
                 connect_timeout: int = DEFAULT_CONNECT_TIMEOUT):
        if not isinstance(system.access, Database):
            raise TypeError(f"{system.name} is not read from a database")
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        self.system = system.name
        self.tables = {t.source_table: t for t in system.tables}
        self.variable = system.access.url_variable
        self.hint = f"check {self.variable}, the network and the read-only account"
        self.batch_size = batch_size
        raw = url.reveal() if isinstance(url, Secret) else url
        self._where = _display(raw)
        try:
            dialect = _dialect(make_url(raw), connect_timeout)
            self._engine: Engine = create_engine(dialect.url, connect_args=dialect.connect_args,
                                                 hide_parameters=True)
            self._db_errors: tuple[type[BaseException], ...] = (DBAPIError,)
            dbapi_error = getattr(self._engine.dialect.loaded_dbapi, "Error", None)
            if isinstance(dbapi_error, type) and issubclass(dbapi_error, Exception):
                self._db_errors += (dbapi_error,)
        except (ArgumentError, NoSuchModuleError, ImportError, ValueError, TypeError) as exc:
            # The exception text would repeat the URL, password included.
            raise SourceError(self.system, f"{self.variable} is not a usable database URL "
                                           f"({type(exc).__name__})", URL_HINT) from None
        self._read_only_sql = dialect.read_only_sql

    def __repr__(self) -> str:
        return f"DatabaseReader({self.system}, {self._where})"

    def __enter__(self) -> DatabaseReader:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self._engine.dispose()

    @property
    def engine(self) -> Engine:
        """The engine (for event listeners in tests); read through :meth:`_connect` only."""
        return self._engine

    # ------------------------------------------------------------------ reads

    def iter_batches(self, table: str, lo: datetime | None, hi: datetime | None) -> Iterator[list[dict]]:
        """Rows of ``table`` with ``lo <= updated_at <= hi``, ordered by ``updated_at, id``.

        ``lo``/``hi`` are aware datetimes (``None``: unbounded); the column holds naive local time,
        so they are compared as naive ICT. Yields lists of at most ``batch_size`` dicts holding
        exactly the model's declared columns.
        """
        raw = self._declared(table)
        if raw.updated is None:
            raise ValueError(f"{table} is a snapshot: read it with read_all")
        statement = _window(raw, _local_naive(lo, "lo"), _local_naive(hi, "hi"))
        with self.reading(table) as conn:
            conn.execution_options(stream_results=True, yield_per=self.batch_size)
            with conn.execute(statement) as result:  # closes the server-side cursor, even when abandoned
                for part in result.mappings().partitions(self.batch_size):
                    yield [dict(row) for row in part]

    def count_windows(self, table: str, windows: list[tuple[datetime, datetime]]) -> list[int]:
        """Rows of ``table`` with ``a <= updated_at <= b``, for each window (a, b): what the count check
        compares with the rows held. One small COUNT query a window, in one read-only transaction."""
        raw = self._declared(table)
        if raw.updated is None:
            raise ValueError(f"{table} is a snapshot: it has no update-time windows")
        t = _table(raw)
        stamp = t.c[raw.updated]
        statement = select(func.count()).select_from(t).where(
            stamp >= bindparam("lo", type_=DateTime()), stamp <= bindparam("hi", type_=DateTime()))
        with self.reading(table) as conn:
            return [conn.execute(statement, {"lo": _local_naive(a, "a window's start"),
                                             "hi": _local_naive(b, "a window's end")}).scalar_one()
                    for a, b in windows]

    def read_all(self, table: str) -> list[dict]:
        """A whole snapshot table (the agency list: a few hundred rows), ordered by its key."""
        raw = self._declared(table)
        t = _table(raw)
        with self.reading(table) as conn:
            return [dict(row) for row in conn.execute(select(t).order_by(t.c[raw.key])).mappings()]

    def _declared(self, table: str) -> RawTable:
        if table not in self.tables:
            raise ValueError(f"unknown table {table!r}; expected one of {', '.join(self.tables)}")
        return self.tables[table]

    # ------------------------------------------------------------------ connections and errors

    @contextmanager
    def _connect(self) -> Iterator[Connection]:
        """A connection inside a read-only transaction: every read goes through here.

        Raw: database errors propagate as SQLAlchemy raised them (see :meth:`reading`).
        """
        with self._engine.connect() as conn, conn.begin():
            if self._read_only_sql:
                conn.exec_driver_sql(self._read_only_sql)
            yield conn

    @contextmanager
    def reading(self, table: str) -> Iterator[Connection]:
        """:meth:`_connect`, with any database failure turned into one :class:`SourceError`."""
        connected = False
        try:
            with self._connect() as conn:
                connected = True
                yield conn
        except self._db_errors as exc:
            raise self._failure(exc, table, connected) from None

    def _failure(self, exc: BaseException, table: str, connected: bool) -> SourceError:
        kind = type(getattr(exc, "orig", None) or exc).__name__
        if not connected:
            return SourceError(self.system, f"cannot connect to the database at {self._where} ({kind})", self.hint)
        return SourceError(self.system, self._diagnose(table) or f"query failed on table {table} ({kind})", self.hint)

    def _diagnose(self, table: str) -> str | None:
        """After a failed query: is the table or one of its columns missing? None when unsure."""
        try:
            with self._connect() as conn:
                inspector = inspect(conn)
                if not inspector.has_table(table):
                    return f"table {table} is missing"
                present = {c["name"].lower() for c in inspector.get_columns(table)}
        except Exception:  # noqa: BLE001 - a diagnosis is best effort; the caller has a fallback
            return None
        missing = [c for c in selected_columns(self.tables[table]) if c not in present]
        if missing:
            return f"table {table} lacks {'column' if len(missing) == 1 else 'columns'} {', '.join(missing)}"
        return None


def _window(raw: RawTable, lo: datetime | None, hi: datetime | None) -> Select:
    t = _table(raw)
    statement = select(t)
    if lo is not None:
        statement = statement.where(t.c[raw.updated] >= bindparam("lo", lo, type_=DateTime()))
    if hi is not None:
        statement = statement.where(t.c[raw.updated] <= bindparam("hi", hi, type_=DateTime()))
    return statement.order_by(t.c[raw.updated], t.c[raw.key])


def _local_naive(value: datetime | None, name: str) -> datetime | None:
    """An aware bound as the naive local (ICT) time the ``updated_at`` column holds."""
    if value is None:
        return None
    if not isinstance(value, datetime) or value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be an aware datetime")
    return value.astimezone(ICT).replace(tzinfo=None)


def _display(raw: str) -> str:
    """The operator's URL for messages: password masked, query string (may hold secrets) dropped."""
    try:
        bare = make_url(raw).set(query={}).render_as_string(hide_password=False)
    except Exception:  # noqa: BLE001 - unparseable: show nothing of it
        return "<database URL>"
    return redact_url(bare)
