"""The migrations build the schema the models describe, on an empty database."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[1]
FLASK = [sys.executable, "-m", "flask", "--app", "wsgi", "db"]


def _flask_db(command: str, database_url: str, tmp_path) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "migration-test"}
    return subprocess.run(
        [*FLASK, command], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


@pytest.fixture
def empty_database(tmp_path):
    """A brand-new database on the engine under test."""
    server = os.environ.get("TEST_DATABASE_URL")
    if not server:
        yield f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
        return
    name = f"migrations_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(server).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


def test_upgrade_builds_the_models_schema(empty_database, tmp_path):
    upgrade = _flask_db("upgrade", empty_database, tmp_path)
    assert upgrade.returncode == 0, upgrade.stderr
    check = _flask_db("check", empty_database, tmp_path)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "No new upgrade operations detected" in check.stdout + check.stderr


def test_upgrade_leaves_the_planner_statistics_current(empty_database, tmp_path):
    """Migrations end with the product's ANALYZE (course/database.py refresh_statistics)."""
    assert _flask_db("upgrade", empty_database, tmp_path).returncode == 0
    engine = create_engine(empty_database)
    with engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            analysed = conn.scalar(
                text("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")
            )
        else:
            analysed = conn.scalar(
                text(
                    "SELECT last_analyze IS NOT NULL FROM pg_stat_user_tables "
                    "WHERE relname = 'user'"
                )
            )
    engine.dispose()
    assert analysed


def test_downgrade_then_upgrade_again(empty_database, tmp_path):
    assert _flask_db("upgrade", empty_database, tmp_path).returncode == 0
    downgrade = _flask_db("downgrade", empty_database, tmp_path)
    assert downgrade.returncode == 0, downgrade.stderr
    assert _flask_db("upgrade", empty_database, tmp_path).returncode == 0
