"""Fixtures shared by every test: an app on a real database, clients, users of each role.

The suite runs on SQLite by default and on PostgreSQL when TEST_DATABASE_URL is set. The
schema is created once per session; each test starts from empty tables.
"""

import contextlib
import itertools
import os

import pytest
from flask.testing import FlaskClient
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url

from course import create_app
from course.extensions import db
from course.models import Role
from course.services import accounts
from course.services import curriculum as curriculum_service

PASSWORD = "correct-horse-battery"


def _database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    return _database_url(tmp_path_factory)


@pytest.fixture(scope="session")
def _schema(database_url, tmp_path_factory):
    app = create_app(_test_config(database_url, tmp_path_factory.mktemp("instance")))
    with app.app_context():
        db.drop_all()
        db.create_all()
        db.engine.dispose()
    return database_url


def _test_config(database_url: str, instance_dir) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": False,
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        "SERVER_NAME": None,
        "MAIL_FILE_DIRECTORY": str(instance_dir / "mail"),
        # Two-step sign-in has its own tests (tests/auth/test_mfa.py); the rest sign in
        # admins with a password alone.
        "MFA_REQUIRED_ROLES": (),
    }


def _empty_tables() -> None:
    tables = [t.name for t in reversed(db.metadata.sorted_tables)]
    if db.engine.dialect.name == "postgresql":
        quoted = ", ".join(f'"{name}"' for name in tables)
        db.session.execute(text(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE"))
    else:
        # module and module_revision reference each other: lift the check while emptying.
        db.session.execute(text("PRAGMA defer_foreign_keys=ON"))
        for name in tables:
            db.session.execute(text(f'DELETE FROM "{name}"'))  # noqa: S608 (our table names)
    db.session.commit()


class RequestClient(FlaskClient):
    """Each request in its own app context, as in a server: a fresh `g` (so the user is
    loaded as on every real request) and its own database session. The test's own session
    commits first, as a test's setup is done before a person opens a page: that releases its
    transaction, and what it holds is read again afterwards."""

    def open(self, *args, **kwargs):
        db.session.commit()
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture
def app(_schema, tmp_path):
    app = create_app(_test_config(_schema, tmp_path))
    app.test_client_class = RequestClient
    with app.app_context():
        _empty_tables()
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def curriculum(app):
    """The shipped ten modules, loaded as `make run` loads them."""
    curriculum_service.load_curriculum()
    db.session.commit()
    return app


_emails = itertools.count(1)


@pytest.fixture
def make_user(app):
    """Create a user: make_user(roles={Role.MANAGER}, department="Ward 1")."""

    def make(email=None, name=None, roles=frozenset({Role.LEARNER}), department="Ward A"):
        number = next(_emails)
        user = accounts.create_user(
            email or f"person{number}@example.org",
            name or f"Person {number}",
            PASSWORD,
            set(roles),
            department,
        )
        db.session.commit()
        return user

    return make


class Auth:
    def __init__(self, client):
        self.client = client

    def sign_in(self, user_or_email, password=PASSWORD):
        email = getattr(user_or_email, "email", user_or_email)
        return self.client.post("/sign-in", data={"email": email, "password": password})

    def sign_out(self):
        return self.client.post("/sign-out")


@pytest.fixture
def auth(client):
    return Auth(client)


@pytest.fixture
def browser_of(app):
    """browser_of(user) -> a test client of its own (another person's browser), signed in."""

    def open_as(user, password=PASSWORD):
        other = app.test_client()
        assert Auth(other).sign_in(user, password).status_code == 302
        return other

    return open_as


@pytest.fixture
def learner(make_user):
    return make_user(email="nurse@example.org", name="Nora Nurse")


@pytest.fixture
def count_queries(app):
    """with count_queries() as queries: ...; then len(queries) is the statements issued."""

    @contextlib.contextmanager
    def counting():
        statements: list[str] = []

        def record(conn, cursor, statement, *args):
            if (
                not statement.lstrip()
                .upper()
                .startswith(("BEGIN", "PRAGMA", "SAVEPOINT", "RELEASE"))
            ):
                statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", record)
        try:
            yield statements
        finally:
            event.remove(db.engine, "before_cursor_execute", record)

    return counting


@pytest.fixture(scope="session")
def fresh_database(tmp_path_factory):
    """fresh_database(name) -> the URL of a brand-new, empty database on the engine under test.

    For tests that run the app in another thread or process (browser, load): a SQLite file,
    or a scratch database on TEST_DATABASE_URL's server, dropped at the end of the session.
    """
    server = os.environ.get("TEST_DATABASE_URL")
    created: list[str] = []

    def make(name: str) -> str:
        if not server:
            return f"sqlite:///{tmp_path_factory.mktemp(name) / f'{name}.sqlite3'}"
        database = f"{name}_{next(_emails)}_{os.getpid()}"
        admin = create_engine(server, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{database}"'))
            conn.execute(text(f'CREATE DATABASE "{database}"'))
        admin.dispose()
        created.append(database)
        return make_url(server).set(database=database).render_as_string(hide_password=False)

    yield make
    if created:
        admin = create_engine(server, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            for database in created:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        admin.dispose()
