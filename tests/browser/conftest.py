"""Browser fixtures: the real app on a loopback port, headless Chromium driven by Playwright.

Playwright's own browser download does not work here, so we drive Debian's `chromium` package
through `executable_path`. Where it is missing the browser tests skip with a clear reason,
except in CI (the CI environment variable set), where a missing browser is a failure.
"""

import itertools
import os
import re
import shutil
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from course import create_app
from course.extensions import db
from course.models import Role
from course.services import accounts, curriculum

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
PASSWORD = "browser-journey-pass"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

# Without the background-networking flags Chromium dials out, and this network refuses it.
CHROMIUM_ARGS = [
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]


def _chromium_or_skip() -> str:
    path = shutil.which(CHROMIUM) or (CHROMIUM if os.access(CHROMIUM, os.X_OK) else None)
    if path:
        return path
    reason = (
        f"Chromium is not installed at {CHROMIUM}: browser and accessibility tests did not run "
        "(apt-get install chromium, or set CHROMIUM to its path)."
    )
    if os.environ.get("CI"):
        pytest.fail(reason + " CI is set, so this is a failure.", pytrace=False)
    pytest.skip(reason)


@dataclass
class LiveServer:
    """The app served over HTTP from a thread, with its own database."""

    url: str
    app: object
    _numbers: itertools.count = field(default_factory=lambda: itertools.count(1))

    def make_user(self, roles=frozenset({Role.LEARNER}), department="Ward B", manages=()):
        """A person with a password of PASSWORD; returns (id, email)."""
        number = next(self._numbers)
        with self.app.app_context():
            user = accounts.create_user(
                f"browser{number}@example.org",
                f"Browser Person {number}",
                PASSWORD,
                set(roles),
                department,
            )
            user.managed_departments = [accounts.get_or_create_department(d) for d in manages]
            db.session.commit()
            ids = user.id, user.email
            db.session.remove()
            return ids


@pytest.fixture(scope="session")
def live_server(fresh_database, tmp_path_factory):
    """The real app (CSRF on) on a free loopback port, curriculum loaded."""
    app = create_app(
        {
            "SECRET_KEY": "browser-tests",
            "SQLALCHEMY_DATABASE_URI": fresh_database("browser"),
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
            "MFA_REQUIRED_ROLES": (),  # test_identity_journeys.py turns it on
        }
    )
    with app.app_context():
        db.create_all()
        curriculum.load_curriculum()
        db.session.commit()
        db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield LiveServer(url=f"http://127.0.0.1:{server.server_port}", app=app)
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)
    time.sleep(0.2)  # let a request thread still finishing hand its connection back
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="session")
def browser():
    executable = _chromium_or_skip()
    from playwright.sync_api import sync_playwright

    args = list(CHROMIUM_ARGS)
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        args.append("--no-sandbox")  # Chromium refuses to sandbox itself as root
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, headless=True, args=args, chromium_sandbox=False
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url)
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def sign_in(page, live_server):
    """sign_in(roles=...) makes a person, signs them in through the form; returns (id, email)."""

    def go(roles=frozenset({Role.LEARNER}), on_page=None, **kwargs):
        user_id, email = live_server.make_user(roles, **kwargs)
        signed_in(on_page or page, email)
        return user_id, email

    return go


@pytest.fixture(scope="session")
def sign_in_as():
    """sign_in_as(page, email): the sign-in form, filled and sent."""
    return signed_in


def signed_in(page, email: str) -> None:
    page.goto("/sign-in")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("navigation", name="Main").wait_for()  # landed where their work is


@pytest.fixture
def new_page(browser, live_server):
    """new_page() opens another browser context: a second person at another desk."""
    contexts = []

    def make():
        context = browser.new_context(base_url=live_server.url)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """On a failed browser test, keep a screenshot and the HTML and say where they are."""
    outcome = yield
    report = outcome.get_result()
    page = item.funcargs.get("page") if hasattr(item, "funcargs") else None
    if report.when != "call" or not report.failed or page is None:
        return
    ARTIFACTS.mkdir(exist_ok=True)
    stem = ARTIFACTS / re.sub(r"[^A-Za-z0-9_.-]+", "_", item.nodeid)
    saved = []
    try:
        page.screenshot(path=f"{stem}.png", full_page=True)
        saved.append(f"{stem}.png")
        Path(f"{stem}.html").write_text(page.content(), encoding="utf-8")
        saved.append(f"{stem}.html")
    except Exception as error:  # a crashed page must not hide the test's own failure
        saved.append(f"(could not save the page: {error})")
    text = f"page at failure ({page.url}):\n" + "\n".join(saved)
    report.sections.append(("browser artifacts", text))
    terminal = item.config.pluginmanager.get_plugin("terminalreporter")
    if terminal is not None:
        terminal.write_line(f"\nbrowser artifacts for {item.nodeid}: {', '.join(saved)}")
