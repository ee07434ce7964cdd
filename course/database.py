"""Engine settings that make SQLite safe under several worker processes, and the planner's
statistics kept current by the product (`refresh_statistics`).

Measured on 2 cores: without a busy timeout most concurrent
writes fail with "database is locked"; read-then-write transactions fail even with one unless
they take the write lock up front. So: WAL, a busy timeout, foreign keys on, and
`BEGIN IMMEDIATE` for every transaction that may write.
"""

from flask import current_app, g, has_request_context, request
from sqlalchemy import Connection, Engine, event

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
