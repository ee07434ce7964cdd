"""Many processes, many learners at once: nothing lost, nothing doubled, no server error.

gunicorn runs the production recipe (4 workers, CSRF on) against a database of its own on the
engine under test: SQLite (WAL, busy timeout, BEGIN IMMEDIATE) by default, PostgreSQL when
TEST_DATABASE_URL is set. 50 learners sign in, then all at once read lessons, submit the
exercise and take the quiz twice, posting one exercise form and one quiz twice at the same moment.
"""

import http.cookiejar
import os
import re
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select

from course import create_app
from course.extensions import db
from course.models import (
    AttemptState,
    ExerciseSubmission,
    LessonRead,
    Module,
    ModuleProgress,
    QuizAttempt,
    User,
)
from course.services import accounts, curriculum

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
LEARNERS = 50
PASSWORD = "concurrency-pass"
MODULE = "share-information"
EXERCISE = "flu-season-post"
GOOD_POST = (
    "Flu season is here. Get your flu vaccine, wash your hands often, cover coughs and "
    "sneezes, and stay home when ill. See a doctor if you have trouble breathing. Find a "
    "vaccine near you: https://www.cdc.gov/flu/ #FluSeason"
)
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
QUIZ_ACTION = re.compile(r'action="(/modules/[^"]+/quiz/\d+)"')
CHOICE = re.compile(r'name="(q\d+)"[^>]*value="([^"]+)"')
FORM_TOKEN = re.compile(r'name="form_token"[^>]*value="([^"]+)"')


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _prepare(database_url: str) -> tuple[list[str], list[str]]:
    """Schema, curriculum and learners; returns (emails, lesson keys of the module)."""
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SECRET_KEY": "load",
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        }
    )
    with app.app_context():
        db.create_all()
        curriculum.load_curriculum()
        emails = [f"load{n}@example.org" for n in range(LEARNERS)]
        for n, email in enumerate(emails):
            accounts.create_user(email, f"Load Learner {n}", PASSWORD, department="Ward L")
        db.session.commit()
        module = db.session.scalar(select(Module).where(Module.slug == MODULE))
        keys = [lesson.key for lesson in module.published.lessons]
        db.session.remove()
        db.engine.dispose()
    return emails, keys


@pytest.fixture
def server(fresh_database, tmp_path):
    database_url = fresh_database("load")
    emails, lesson_keys = _prepare(database_url)
    port = _free_port()
    log = open(tmp_path / "gunicorn.log", "w+")  # noqa: SIM115 (read back on failure)
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "load-test-secret"}
    process = subprocess.Popen(
        [str(GUNICORN), "-w", "4", "-b", f"127.0.0.1:{port}", "wsgi:app"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(f"{base}/sign-in", timeout=2).read()  # noqa: S310
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                log.seek(0)
                pytest.fail(f"gunicorn did not start:\n{log.read()[-3000:]}")
            time.sleep(0.2)
    yield base, database_url, emails, lesson_keys
    process.terminate()
    process.wait(timeout=15)
    log.seek(0)
    server_log = log.read()
    log.close()
    assert "Traceback" not in server_log, server_log[-5000:]


class Learner:
    """One person's browser: a cookie jar, a CSRF token, statuses seen."""

    def __init__(self, base: str, statuses: Counter, lock: threading.Lock):
        self.base = base
        self.statuses = statuses
        self.lock = lock
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def request(self, path: str, data: dict | None = None) -> str:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open(self.base + path, data=body, timeout=60) as response:
                status, text = response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            status, text = error.code, error.read().decode(errors="replace")
        with self.lock:
            self.statuses[status] += 1
        return text

    def token(self, html: str) -> str:
        return CSRF.search(html).group(1)

    def sign_in(self, email: str) -> str:
        form = self.request("/sign-in")
        page = self.request(
            "/sign-in", {"email": email, "password": PASSWORD, "csrf_token": self.token(form)}
        )
        assert "My training" in page, f"{email} could not sign in"
        return self.token(page)

    def start_quiz(self, csrf: str) -> tuple[str, dict]:
        page = self.request(f"/modules/{MODULE}/quiz", {"csrf_token": csrf})
        action = QUIZ_ACTION.search(page).group(1)
        answers: dict = {}
        for name, value in CHOICE.findall(page):
            answers.setdefault(name, value)  # the first choice of each question
        return action, {**answers, "csrf_token": csrf}


def test_many_learners_at_once_lose_and_double_nothing(server):
    base, database_url, emails, lesson_keys = server
    statuses: Counter = Counter()
    lock = threading.Lock()
    learners = [Learner(base, statuses, lock) for _ in emails]
    tokens = [learner.sign_in(email) for learner, email in zip(learners, emails, strict=True)]
    failures: list[str] = []

    def reader(learner, csrf, number):
        start.wait()
        learner.request(f"/modules/{MODULE}/lessons/{lesson_keys[number % len(lesson_keys)]}")
        path = f"/modules/{MODULE}/exercises/{EXERCISE}"
        sent = {"text": GOOD_POST, "csrf_token": csrf}
        sent["form_token"] = FORM_TOKEN.search(learner.request(path)).group(1)
        # The same exercise form sent twice at once: one submission.
        twins = [threading.Thread(target=learner.request, args=(path, sent)) for _ in range(2)]
        for twin in twins:
            twin.start()
        for twin in twins:
            twin.join()

    def quiz_taker(learner, csrf):
        start.wait()
        action, answers = learner.start_quiz(csrf)
        # The same answers sent twice at once (a double click): one attempt, recorded once.
        twins = [threading.Thread(target=learner.request, args=(action, answers)) for _ in range(2)]
        for twin in twins:
            twin.start()
        for twin in twins:
            twin.join()
        action, answers = learner.start_quiz(csrf)
        learner.request(action, answers)

    def run(target, *args):
        try:
            target(*args)
        except Exception as error:  # reported below with the learner it happened to
            failures.append(f"{target.__name__}{args[2:]}: {error!r}")

    threads = []
    for number, (learner, csrf) in enumerate(zip(learners, tokens, strict=True)):
        threads.append(threading.Thread(target=run, args=(reader, learner, csrf, number)))
        threads.append(threading.Thread(target=run, args=(quiz_taker, learner, csrf)))
    start = threading.Barrier(len(threads))  # everyone starts at the same moment
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)

    assert not failures, failures
    assert not any(status >= 500 for status in statuses), statuses
    # 2 sign-in + 1 lesson + 3 exercise (page, the twin sends) + 2 starts (each followed to the
    # quiz) + 3 submissions (each followed to the result) per learner, every one answered 200.
    assert statuses[200] == LEARNERS * (2 + 1 + 3 + 2 + 3), statuses

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "check"})
    with app.app_context():
        module_id = db.session.scalar(select(Module.id).where(Module.slug == MODULE))
        users = db.session.scalars(select(User.id).where(User.email.in_(emails))).all()
        assert len(users) == LEARNERS

        def per_user(model, *where):
            rows = db.session.execute(
                select(model.user_id, func.count()).where(*where).group_by(model.user_id)
            ).all()
            return {user: count for user, count in rows}

        submitted = per_user(QuizAttempt, QuizAttempt.state == AttemptState.SUBMITTED)
        assert submitted == dict.fromkeys(users, 2)
        assert per_user(QuizAttempt, QuizAttempt.state == AttemptState.OPEN) == {}
        assert per_user(ExerciseSubmission) == dict.fromkeys(users, 1)
        assert per_user(LessonRead, LessonRead.module_id == module_id) == dict.fromkeys(users, 1)
        assert per_user(ModuleProgress, ModuleProgress.module_id == module_id) == dict.fromkeys(
            users, 1
        )
        db.session.remove()
        db.engine.dispose()
