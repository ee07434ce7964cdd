"""Engine settings that make SQLite safe under several worker processes, and the planner's
statistics kept current by the product (`refresh_statistics`).

Measured on 2 cores: without a busy timeout most concurrent
writes fail with "database is locked"; read-then-write transactions fail even with one unless
they take the write lock up front. So: WAL, a busy timeout, foreign keys on, and
`BEGIN IMMEDIATE` for every transaction that may write.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from flask import current_app, g, has_request_context, request
from sqlalchemy import Connection, Dialect, Engine, Select, event

from .extensions import db

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

#: Rows SQLite's ANALYZE reads per index at most: approximate statistics, a bounded cost.
SQLITE_ANALYSIS_LIMIT = 1000


def writes_on_get(view):
    """Mark a view that writes on GET (a lesson read), so its transaction takes the lock."""
    view.writes_database = True
    return view


def reads_first(view):
    """Mark a POST view whose first transaction only reads: it parses, checks or hashes
    before it writes, and calls `begin_writing()` when it is ready to. On SQLite the write
    lock is then held only for the write, not for an upload's parsing or a password's hash.
    """
    view.reads_first = True
    return view


def begin_writing() -> None:
    """End a GET's read transaction; the next one takes the lock, for a write found needed.

    Cheaper than `writes_on_get` when the write is rare: a lesson read again writes nothing.
    """
    db.session.rollback()
    g.writes_database = True


def _may_write() -> bool:
    if not has_request_context():
        return True  # CLI commands and services called outside a request
    if g.get("writes_database"):
        return True
    view = current_app.view_functions.get(request.endpoint or "")
    if getattr(view, "reads_first", False):
        return False
    return request.method not in SAFE_METHODS or getattr(view, "writes_database", False)


def configure_sqlite(engine: Engine) -> None:
    """Install the pragmas and the locking rule on a SQLite engine."""

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record):
        # Let SQLAlchemy's "begin" event below issue BEGIN, not the driver.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection):
        # Straight to the driver: SQLAlchemy's execute would build a result object for it,
        # a cost paid by every request.
        connection.connection.driver_connection.execute(
            "BEGIN IMMEDIATE" if _may_write() else "BEGIN"
        )


def refresh_statistics(connection: Connection | None = None, *, routine: bool = False) -> None:
    """Bring the query planner's statistics up to date; the caller commits.

    Without them SQLite sorts every progress row for the report's first page instead of
    walking the learner-name index and stopping after one page. After a bulk change
    (migrations, curriculum loads, staff imports, `course demo-org`, `course optimize`):
    ANALYZE, on SQLite under `analysis_limit` so the cost stays bounded at any size (`PRAGMA
    optimize` alone analyzes nothing on a fresh connection before SQLite 3.46).

    `routine=True` (every run of `course send-reminders`, which cron starts every few
    minutes): SQLite's `PRAGMA optimize`, which re-analyzes only the tables the command's
    queries read that were never analyzed or have grown 25-fold since; nothing on
    PostgreSQL, whose autovacuum re-analyzes tables as they change.
    """
    connection = connection if connection is not None else db.session.connection()
    if connection.dialect.name != "sqlite":
        if not routine:
            connection.exec_driver_sql("ANALYZE")
        return
    connection.exec_driver_sql(f"PRAGMA analysis_limit={SQLITE_ANALYSIS_LIMIT}")
    connection.exec_driver_sql("PRAGMA optimize" if routine else "ANALYZE")


@dataclass(frozen=True)
class _Compiled:
    sql: str
    #: Bind names in the order of a positional paramstyle's markers, else None (named).
    positions: tuple[str, ...] | None
    binds: dict[str, Callable[[Any], Any] | None]
    #: Values of the binds the statement carries itself (literals such as `column == 5`).
    defaults: dict[str, Any]
    results: tuple[Callable[[Any], Any] | None, ...]


class Prepared:
    """A Core SELECT compiled once per dialect and run through the driver's cursor.

    For the statements every signed-in page runs (the user of the session, the lesson page's
    place): SQLAlchemy's work per execution (cache key, execution context, result object)
    costs several times what the statement itself costs on SQLite (bench/request_costs.py).
    The statement runs on the session's connection, in its transaction, with the column
    types' bind and result conversions applied as SQLAlchemy applies them, and the engine's
    `before_cursor_execute`/`after_cursor_execute` listeners still see it (tests count
    statements by them). Driver errors are not wrapped in SQLAlchemy's exception classes.
    """

    def __init__(self, statement: Select):
        self.statement = statement
        self._by_dialect: dict[str, _Compiled] = {}

    def rows(self, params: dict[str, Any]) -> list[tuple]:
        """The result rows as tuples, in the order of the statement's columns.

        `params` maps every bind parameter's name to its value.
        """
        if db.session.autoflush:  # as session.execute does: pending changes are seen
            db.session.flush()
        connection = db.session.connection()
        compiled = self._compiled(connection.dialect)
        values = {}
        for name, convert in compiled.binds.items():
            value = params[name] if name in params else compiled.defaults[name]
            values[name] = value if convert is None else convert(value)
        bound: Sequence | dict = (
            values if compiled.positions is None else [values[n] for n in compiled.positions]
        )
        cursor = connection.connection.cursor()
        try:
            connection.dispatch.before_cursor_execute(
                connection, cursor, compiled.sql, bound, None, False
            )
            cursor.execute(compiled.sql, bound)
            rows = cursor.fetchall()
            connection.dispatch.after_cursor_execute(
                connection, cursor, compiled.sql, bound, None, False
            )
        finally:
            cursor.close()
        if not any(compiled.results):
            return [tuple(row) for row in rows]
        results = compiled.results
        return [
            tuple(
                convert(value) if convert else value
                for convert, value in zip(results, row, strict=True)
            )
            for row in rows
        ]

    def _compiled(self, dialect: Dialect) -> _Compiled:
        found = self._by_dialect.get(dialect.name)
        if found is None:
            compiled = self.statement.compile(dialect=dialect)
            found = _Compiled(
                sql=compiled.string,
                positions=tuple(compiled.positiontup) if compiled.positiontup else None,
                binds={
                    name: bind.type.dialect_impl(dialect).bind_processor(dialect)
                    for name, bind in compiled.binds.items()
                },
                defaults={
                    name: bind.effective_value
                    for name, bind in compiled.binds.items()
                    if not bind.required
                },
                results=tuple(
                    column.type.dialect_impl(dialect).result_processor(dialect, None)
                    for column in self.statement.selected_columns
                ),
            )
            self._by_dialect[dialect.name] = found
        return found
