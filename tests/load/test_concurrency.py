"""Many processes, many learners at once: nothing lost, nothing doubled, no server error.

gunicorn runs the production recipe (4 workers, CSRF on) against a database of its own on the
engine under test: SQLite (WAL, busy timeout, BEGIN IMMEDIATE) by default, PostgreSQL when
TEST_DATABASE_URL is set. 50 learners sign in, then all at once read lessons, submit the
exercise and take the quiz twice, posting one exercise form and one quiz twice at the same moment.
"""

import re
import threading
from collections import Counter

import pytest
from servers import Browser, gunicorn
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

pytestmark = [pytest.mark.load, pytest.mark.slow]

LEARNERS = 50
PASSWORD = "concurrency-pass"
MODULE = "share-information"
EXERCISE = "flu-season-post"
GOOD_POST = (
    "Flu season is here. Get your flu vaccine, wash your hands often, cover coughs and "
    "sneezes, and stay home when ill. See a doctor if you have trouble breathing. Find a "
    "vaccine near you: https://www.cdc.gov/flu/ #FluSeason"
)
QUIZ_ACTION = re.compile(r'action="(/modules/[^"]+/quiz/\d+)"')
CHOICE = re.compile(r'name="(q\d+)"[^>]*value="([^"]+)"')
FORM_TOKEN = re.compile(r'name="form_token"[^>]*value="([^"]+)"')


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
    with gunicorn(database_url, tmp_path / "gunicorn.log", workers=4) as base:
        yield base, database_url, emails, lesson_keys


class Learner(Browser):
    def sign_in(self, email: str) -> str:
        return super().sign_in(email, PASSWORD)

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
