"""The planner's statistics are the product's job: on a database built the way an operator
builds one (`course load-content`, `course demo-org`), with nobody running ANALYZE by hand,
the report's first page walks the learner-name index and stops after one page instead of
sorting every progress row.

The plan is SQLite's (EXPLAIN QUERY PLAN), so this runs on a SQLite file whatever engine the
suite is under.
"""

import sqlite3

import pytest
from sqlalchemy import event

from course import create_app
from course.extensions import db
from course.services import curriculum, demo_org
from course.services.demo import DEMO_PASSWORD


def _app(path):
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
            "WTF_CSRF_ENABLED": False,
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        }
    )


@pytest.fixture
def built(tmp_path):
    path = tmp_path / "built.sqlite3"
    app = _app(path)
    with app.app_context():
        db.create_all()
        db.engine.dispose()
    cli = app.test_cli_runner()
    for command in (["load-content"], ["demo-org", "--learners", "300", "--seed", "7"]):
        outcome = cli.invoke(args=["course", *command])
        assert outcome.exit_code == 0, outcome.output
    manager = "demo.manager@example.org"
    assert manager in outcome.output
    yield app, path, manager
    with app.app_context():
        db.engine.dispose()


def _report_page_statement(app, manager):
    """The SQL and parameters of the report's first page, as the page runs it."""
    seen = []
    with app.app_context():

        @event.listens_for(db.engine, "before_cursor_execute")
        def capture(_conn, _cursor, statement, parameters, _context, _executemany):
            seen.append((statement, parameters))

        client = app.test_client()
        client.post("/sign-in", data={"email": manager, "password": DEMO_PASSWORD})
        seen.clear()
        assert client.get("/reports/").status_code == 200
        event.remove(db.engine, "before_cursor_execute", capture)
        db.engine.dispose()
    pages = [
        (sql, params)
        for sql, params in seen
        if "FROM user JOIN module_progress" in sql and "ORDER BY learner" in sql and "LIMIT" in sql
    ]
    assert len(pages) == 1, [sql[-300:] for sql, _ in seen]
    return pages[0]


def test_report_first_page_walks_the_name_index_on_a_built_database(built):
    app, path, manager = built
    sql, params = _report_page_statement(app, manager)
    with sqlite3.connect(path) as connection:
        plan = [row[3] for row in connection.execute(f"EXPLAIN QUERY PLAN {sql}", params)]
    assert "USE TEMP B-TREE FOR ORDER BY" not in plan, plan
    assert "SCAN user USING INDEX ix_user_name" in plan, plan


@pytest.mark.parametrize("command", ["optimize", "send-reminders"])
def test_the_periodic_commands_analyze_a_database_built_without_statistics(tmp_path, command):
    """Data that arrived without any of the bulk commands (built here by the services, as
    the web pages would) gets its statistics from the cron job or `course optimize`."""
    path = tmp_path / "grown.sqlite3"
    app = _app(path)
    with app.app_context():
        db.create_all()
        curriculum.load_curriculum()
        report = demo_org.generate(300, departments=10, seed=7)
        db.session.commit()
        db.engine.dispose()
    sql, params = _report_page_statement(app, report["manager"])
    with sqlite3.connect(path) as connection:
        plan = [row[3] for row in connection.execute(f"EXPLAIN QUERY PLAN {sql}", params)]
    assert "USE TEMP B-TREE FOR ORDER BY" in plan  # no statistics yet: the page sorts

    with app.app_context():  # as `flask` pushes one for every command
        outcome = app.test_cli_runner().invoke(args=["course", command])
        db.engine.dispose()
    assert outcome.exit_code == 0, outcome.output
    with sqlite3.connect(path) as connection:
        plan = [row[3] for row in connection.execute(f"EXPLAIN QUERY PLAN {sql}", params)]
    assert "USE TEMP B-TREE FOR ORDER BY" not in plan, plan
    assert "SCAN user USING INDEX ix_user_name" in plan, plan


#: sqlite_stat1 of `bench/report.py --learners 50000` after `refresh_statistics` (ANALYZE under
#: analysis_limit): with them, SQLite 3.40 read the page by module and sorted every row, unless
#: the module join is kept off module_progress's module index.
STATISTICS_AT_50000 = [
    ("module_progress", "ix_module_progress_report", "186517 10 1 1 1 1 1 1"),
    ("module_progress", "ix_module_progress_module", "615600 1001 1001"),
    ("module_progress", "sqlite_autoindex_module_progress_1", "614754 10 1"),
    ("user", "ix_user_job_title", "53360 1001"),
    ("user", "ix_user_name", "47436 1 1"),
    ("user", "ix_user_department_id", "57472 1001"),
    ("user", "sqlite_autoindex_user_2", "53360 1001"),
    ("user", "sqlite_autoindex_user_1", "42680 1"),
]


def test_report_first_page_walks_the_name_index_with_the_statistics_of_50000(built):
    app, path, manager = built
    sql, params = _report_page_statement(app, manager)
    with sqlite3.connect(path) as connection:
        for table, index, stat in STATISTICS_AT_50000:
            connection.execute("DELETE FROM sqlite_stat1 WHERE tbl = ? AND idx = ?", (table, index))
            connection.execute("INSERT INTO sqlite_stat1 VALUES (?, ?, ?)", (table, index, stat))
        connection.commit()
    with sqlite3.connect(path) as connection:  # a new connection reads the statistics
        plan = [row[3] for row in connection.execute(f"EXPLAIN QUERY PLAN {sql}", params)]
    assert "USE TEMP B-TREE FOR ORDER BY" not in plan, plan
    assert "SCAN user USING INDEX ix_user_name" in plan, plan
