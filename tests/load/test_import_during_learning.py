"""A trainer's import never gives a learner a server error.

gunicorn (3 workers, CSRF on) on the engine under test. While learners submit an exercise
over and over, a trainer uploads a GIFT file of 10,000 questions (refused: more than a module
holds, found before any write) and then the largest files accepted (a GIFT file and a module
file at the limits), which are parsed before the write transaction begins. Before this, the
10,000-question file held SQLite's write lock for 15 s and learners got "database is locked".
"""

import threading
import time
from collections import Counter

import pytest
from servers import Browser, gunicorn

from course import create_app
from course.extensions import db
from course.models import Role
from course.services import accounts, content_io, content_limits, curriculum

pytestmark = [pytest.mark.load, pytest.mark.slow]

PASSWORD = "import-load-pass"
MODULE = "share-information"
POST = "Flu season is here: get your vaccine. https://www.cdc.gov/flu/ #FluSeason"
LEARNERS = 2


def gift(count: int) -> bytes:
    question = "::Flu:: Is the flu vaccine offered to staff every autumn? {T#No, it is.#Yes.}"
    return ("\n\n".join([question] * count) + "\n").encode()


def largest_module() -> bytes:
    """A module file near the limits: the most questions, each with the most choices, each
    choice with feedback (the most YAML values a file can have), under the size limit."""
    choices = "".join(
        f"      - text: Choice {n} {'c' * 50}\n        feedback: Because {'f' * 35}\n"
        + ("        correct: true\n" if n == 0 else "")
        for n in range(content_limits.CHOICES)
    )
    questions = "".join(
        f"  - key: q{n}\n    prompt: Question {n} {'p' * 60}?\n    explanation: E\n"
        f"    choices:\n{choices}"
        for n in range(content_limits.QUESTIONS)
    )
    text = f"---\nslug: largest\ntitle: Largest\nquestions:\n{questions}---\n# One\n\nText.\n"
    assert 0.8 * content_limits.FILE_CHARS < len(text) <= content_limits.FILE_CHARS
    return text.encode()


@pytest.fixture
def served(fresh_database, tmp_path):
    database_url = fresh_database("imports")
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SECRET_KEY": "x",
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        }
    )
    with app.app_context():
        db.create_all()
        path = content_io.CURRICULUM_DIR / "06-share-information.md"
        curriculum.load(content_io.parse_module(path.read_text(encoding="utf-8")))
        accounts.create_user("trainer@example.org", "T", PASSWORD, {Role.TRAINER})
        for n in range(LEARNERS):
            accounts.create_user(f"learner{n}@example.org", f"L{n}", PASSWORD, department="W")
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    # Learners keep writing for as long as the imports last: no submission rate here.
    with gunicorn(
        database_url, tmp_path / "gunicorn.log", workers=3, SUBMISSIONS_PER_MINUTE="1000000"
    ) as base:
        yield base


def test_learners_never_see_a_500_while_a_trainer_imports(served):
    statuses: Counter = Counter()
    trainer = Browser(served)
    trainer_csrf = trainer.sign_in("trainer@example.org", PASSWORD)
    learners = [Browser(served, statuses) for _ in range(LEARNERS)]
    tokens = [b.sign_in(f"learner{n}@example.org", PASSWORD) for n, b in enumerate(learners)]
    statuses.clear()
    done = threading.Event()
    answers: list[int] = []

    def learn(browser, csrf):
        while not done.is_set():
            browser.open(
                f"/modules/{MODULE}/exercises/flu-season-post", {"text": POST, "csrf_token": csrf}
            )
            time.sleep(0.05)

    threads = [
        threading.Thread(target=learn, args=pair) for pair in zip(learners, tokens, strict=True)
    ]
    for thread in threads:
        thread.start()
    try:
        path = f"/studio/modules/{MODULE}/import-gift"
        fields = {"csrf_token": trainer_csrf}
        answers.append(trainer.post_file(path, fields, "file", "big.txt", gift(10_000))[0])
        content = gift(content_limits.QUESTIONS - 10)  # the module has 8 already
        answers.append(trainer.post_file(path, fields, "file", "full.txt", content)[0])
        answers.append(
            trainer.post_file(
                "/studio/import", fields | {"into": ""}, "file", "largest.md", largest_module()
            )[0]
        )
    finally:
        done.set()
        for thread in threads:
            thread.join(timeout=120)
    # Refused; accepted; accepted (redirects followed to the module's page).
    assert answers == [422, 200, 200], answers
    assert statuses, statuses
    assert not any(status >= 500 for status in statuses), statuses
