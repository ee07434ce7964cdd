import pytest
from sqlalchemy import select

from course.extensions import db
from course.models import Module, QuizAttempt, Role
from course.services import content_io, curriculum


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


@pytest.fixture
def share_information(app):
    """One shipped module (faster than the whole curriculum), published as version 1."""
    path = content_io.CURRICULUM_DIR / "06-share-information.md"
    curriculum.load(content_io.parse_module(path.read_text(encoding="utf-8")))
    db.session.commit()
    return module("share-information")
