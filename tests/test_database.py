"""SQLite's locking rule: a transaction that may write takes the lock when it begins.

The rule is SQLite's, so this runs on a SQLite file whatever engine the suite is under; the
sqlite3 driver's trace shows the BEGIN each request sends.
"""

import pytest
from sqlalchemy import event, text

from course import create_app
from course.database import begin_writing, reads_first
from course.extensions import db


@pytest.fixture
def traced(tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'rule.sqlite3'}",
            "WTF_CSRF_ENABLED": False,
        }
    )
    begins: list[str] = []

    @app.route("/probe", methods=["GET", "POST"])
    def probe():
        db.session.execute(text("SELECT 1"))
        return "ok"

    @app.get("/probe/write-later")
    def write_later():
        db.session.execute(text("SELECT 1"))
        begin_writing()
        db.session.execute(text("SELECT 1"))
        return "ok"

    @app.post("/probe/read-first")
    @reads_first
    def read_first():
        db.session.execute(text("SELECT 1"))  # parse, check, hash: no lock held
        begin_writing()
        db.session.execute(text("SELECT 1"))
        return "ok"

    with app.app_context():
        db.create_all()

        @event.listens_for(db.engine, "connect")
        def trace(dbapi_connection, _record):
            dbapi_connection.set_trace_callback(
                lambda sql: begins.append(sql) if sql.startswith("BEGIN") else None
            )

        db.engine.dispose()  # new connections, traced
    yield app.test_client(), begins
    with app.app_context():
        db.engine.dispose()


def test_a_read_begins_deferred_and_a_write_takes_the_lock_at_once(traced):
    client, begins = traced
    client.get("/probe")
    client.post("/probe")
    assert begins == ["BEGIN", "BEGIN IMMEDIATE"]


def test_a_get_that_finds_it_must_write_takes_the_lock_for_the_rest(traced):
    client, begins = traced
    client.get("/probe/write-later")
    client.get("/probe")  # the next request starts over
    assert begins == ["BEGIN", "BEGIN IMMEDIATE", "BEGIN"]


def test_a_post_marked_reads_first_takes_the_lock_only_when_it_writes(traced):
    client, begins = traced
    client.post("/probe/read-first")
    client.post("/probe")
    assert begins == ["BEGIN", "BEGIN IMMEDIATE", "BEGIN IMMEDIATE"]
