import pytest
from sqlalchemy import select

from course.extensions import db
from course.models import Module, QuizAttempt, Role


@pytest.fixture
def trainer(make_user):
    return make_user(email="trainer@example.org", name="Theo Trainer", roles={Role.TRAINER})


@pytest.fixture
def as_trainer(client, auth, trainer):
    auth.sign_in(trainer)
    return client


def module(slug: str) -> Module:
    db.session.expire_all()
    return db.session.scalar(select(Module).where(Module.slug == slug))


def right_answers(attempt: QuizAttempt) -> dict:
    """Form data answering every drawn question right."""
    data = {}
    for index, question in enumerate(attempt.questions):
        data[f"q{index}"] = [c["id"] for c in question["choices"] if c["correct"]]
    return data
