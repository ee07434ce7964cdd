"""Services flush, never commit: the view or CLI command that owns the request commits once.

Each case calls a service that once committed by itself, then rolls back as a view does when
a later step fails: nothing the service did may remain. The source check keeps it so.
"""

import ast
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from course.extensions import db
from course.models import (
    ApiToken,
    Assignment,
    AttemptState,
    ExerciseSubmission,
    LessonRead,
    Module,
    QuizAttempt,
    Role,
    SignInAttempt,
    User,
)
from course.services import (
    accounts,
    assignments,
    authoring,
    catalog,
    clock,
    demo,
    practice,
    progress,
    quiz,
    throttle,
    tokens,
)
from course.services.scope import scope_for

SERVICES = Path(__file__).resolve().parents[2] / "course" / "services"
WITH_EXERCISE = "share-information"


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _commits(path: Path) -> list[int]:
    return [
        node.lineno
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "commit"
    ]


@pytest.mark.parametrize("path", sorted(SERVICES.glob("*.py")), ids=lambda p: p.name)
def test_no_service_commits(path):
    assert _commits(path) == []


def _assign(people):
    manager = people["manager"]
    module = catalog.published_module(WITH_EXERCISE)
    assignments.assign(
        manager.id,
        scope_for(manager),
        [module.id],
        clock.today() + timedelta(days=7),
        department_id=manager.department_id,
    )
    return lambda: _count(Assignment) == 0


def _create_module(people):
    authoring.create_module(people["trainer"].id, "new-module", "New module")
    return lambda: db.session.scalar(select(Module).where(Module.slug == "new-module")) is None


def _update_settings(people):
    module = catalog.published_module(WITH_EXERCISE)
    authoring.update_settings(module, people["trainer"].id, title="Changed")
    return lambda: catalog.published_module(WITH_EXERCISE).draft is None


def _start_attempt(people):
    quiz.start_attempt(people["learner"].id, catalog.published_module(WITH_EXERCISE))
    return lambda: _count(QuizAttempt) == 0


def _submit_attempt_and_progress(people):
    learner_id, module = people["learner"].id, catalog.published_module(WITH_EXERCISE)
    attempt = quiz.start_attempt(learner_id, module)
    db.session.commit()  # an attempt opened by an earlier request
    right = {q["key"]: [c["id"] for c in q["choices"] if c["correct"]] for q in attempt.questions}
    assert quiz.submit_attempt(attempt, right)
    progress.refresh(learner_id, module)
    return lambda: db.session.get(QuizAttempt, attempt.id).state is AttemptState.OPEN


def _read_lesson(people):
    module = catalog.published_module(WITH_EXERCISE)
    progress.record_lesson_read(people["learner"].id, module, module.published.lessons[0])
    return lambda: _count(LessonRead) == 0


def _submit_exercise(people):
    module = catalog.published_module(WITH_EXERCISE)
    practice.submit(people["learner"].id, module, module.published.exercises[0], {}, "token-1")
    return lambda: _count(ExerciseSubmission) == 0


def _create_token(people):
    tokens.create(people["manager"], "reporting")
    return lambda: _count(ApiToken) == 0


def _failed_sign_in(people):
    throttle.record_failure(people["learner"].email, "10.0.0.1", None)
    return lambda: _count(SignInAttempt) == 0


def _set_manager(people):
    accounts.set_manager(people["learner"].email, ["Ward B"])
    return lambda: not db.session.get(User, people["learner"].id).has_role(Role.MANAGER)


def _demo_accounts(people):
    demo.create_demo_accounts()
    return lambda: _count(User) == 3


@pytest.mark.parametrize(
    "change",
    [
        _assign,
        _create_module,
        _update_settings,
        _start_attempt,
        _submit_attempt_and_progress,
        _read_lesson,
        _submit_exercise,
        _create_token,
        _failed_sign_in,
        _set_manager,
        _demo_accounts,
    ],
    ids=lambda change: change.__name__.strip("_"),
)
def test_a_service_leaves_the_commit_to_its_caller(curriculum, make_user, change):
    people = {
        "learner": make_user(),
        "manager": make_user(roles={Role.MANAGER, Role.LEARNER}),
        "trainer": make_user(roles={Role.TRAINER}),
    }
    accounts.set_manager(people["manager"].email, ["Ward A"])
    db.session.commit()
    nothing_left = change(people)
    db.session.rollback()
    assert nothing_left()


def _read_anew(statement):
    """Read through a session of its own: only what was committed shows."""
    db.session.remove()
    return db.session.scalars(statement).all()


def test_cli_commands_commit_what_their_services_did(app, runner, make_user):
    learner = make_user(email="lee@example.org")
    assert runner.invoke(args=["course", "demo-accounts"]).exit_code == 0
    result = runner.invoke(args=["course", "set-manager", learner.email, "Ward C"])
    assert result.exit_code == 0, result.output
    assert "admin@example.org" in _read_anew(select(User.email))
    roles = _read_anew(select(User).where(User.email == "lee@example.org"))[0].roles
    assert Role.MANAGER in roles


def test_cli_commands_turn_a_refusal_into_a_message(app, runner):
    result = runner.invoke(args=["course", "set-manager", "nobody@example.org", "Ward C"])
    assert result.exit_code == 1
    assert "No account has the email nobody@example.org." in result.output
    assert _read_anew(select(User.email)) == []


@pytest.mark.parametrize(
    "blueprint", sorted(SERVICES.parent.glob("*/routes.py")), ids=lambda p: p.parent.name
)
def test_views_leave_refusals_to_the_shared_save_step(blueprint):
    handled = [
        ast.unparse(node.type)
        for node in ast.walk(ast.parse(blueprint.read_text()))
        if isinstance(node, ast.ExceptHandler) and node.type is not None
    ]
    assert not [
        name
        for name in handled
        if name.endswith(("AccountError", "AuthoringError", "AssignmentError"))
    ]
