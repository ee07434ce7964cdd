"""Moving or (de)activating a learner refreshes their due dates: dashboard and report follow."""

from datetime import timedelta

import pytest
from model_answers import MODEL_ANSWERS

from course.extensions import db
from course.models import Role
from course.models.types import utcnow
from course.services import accounts, assignments, catalog, due_dates, reports
from course.services.scope import scope_for
from course.templating import date_text

SLUG = "meet-the-experts"


@pytest.fixture
def wards(curriculum, make_user):
    """Ward A's module is due in 14 days, Ward B's in 3; a manager each; a learner in Ward A."""
    people = {
        "manager_a": make_user(email="maya@example.org", roles={Role.MANAGER}, department=None),
        "manager_b": make_user(email="otto@example.org", roles={Role.MANAGER}, department=None),
        "learner": make_user(email="sofia@example.org", name="Sofia Alvarez"),
        "admin": make_user(email="ada@example.org", roles={Role.ADMIN}, department=None),
    }
    module = catalog.published_module(SLUG)
    today = utcnow().date()
    for manager, ward, days in (("manager_a", "Ward A", 14), ("manager_b", "Ward B", 3)):
        user = accounts.set_manager(people[manager].email, [ward])
        department_id = accounts.department_named(ward).id
        assignments.assign(
            user.id, scope_for(user), [module.id], today + timedelta(days=days),
            department_id=department_id,
        )  # fmt: skip
    people["a_due"], people["b_due"] = today + timedelta(days=14), today + timedelta(days=3)
    return people


def _move(browser_of, wards, department: str | None, active: bool = True):
    learner = db.session.get(accounts.User, wards["learner"].id)
    data = {
        "name": learner.name,
        "email": learner.email,
        "new_department": department or "",
        "roles": ["learner"],
    }
    if active:
        data["active"] = "y"
    response = browser_of(wards["admin"]).post(f"/admin/users/{learner.id}", data=data)
    assert response.status_code == 302


def _report_row(browser_of, manager) -> str | None:
    """The learner's row on the manager's report page, or None."""
    page = browser_of(manager).get("/reports/").get_data(as_text=True)
    rows = [row for row in page.split("<tr>") if "Sofia Alvarez" in row]
    return rows[0] if rows else None


def test_a_moved_learner_gets_the_new_departments_due_dates(wards, browser_of):
    learner = browser_of(wards["learner"])
    assert f"Due {wards['a_due'].strftime('%d %b %Y')}" in learner.get("/").get_data(as_text=True)
    assert date_text(wards["a_due"]) in _report_row(browser_of, wards["manager_a"])
    assert _report_row(browser_of, wards["manager_b"]) is None

    _move(browser_of, wards, "Ward B")

    dashboard = learner.get("/").get_data(as_text=True)
    assert f"Due {wards['b_due'].strftime('%d %b %Y')}" in dashboard
    assert wards["a_due"].strftime("%d %b %Y") not in dashboard
    assert date_text(wards["b_due"]) in _report_row(browser_of, wards["manager_b"])
    assert _report_row(browser_of, wards["manager_a"]) is None


def test_a_learner_moved_to_no_department_has_nothing_due(wards, browser_of):
    _move(browser_of, wards, None)
    dashboard = browser_of(wards["learner"]).get("/").get_data(as_text=True)
    assert "Due " not in dashboard
    assert _report_row(browser_of, wards["manager_a"]) is None
    due = reports.assigned_to(wards["learner"].id)
    assert due == {}


def test_deactivation_and_reactivation_refresh_due_dates(wards, browser_of, monkeypatch):
    calls = []
    real = due_dates.refresh_due

    def spy(**kwargs):
        calls.append(kwargs)
        return real(**kwargs)

    monkeypatch.setattr(due_dates, "refresh_due", spy)
    _move(browser_of, wards, "Ward A", active=False)
    assert calls == [{"user_ids": [wards["learner"].id]}]
    assert _report_row(browser_of, wards["manager_a"]) is None  # the report lists active learners
    _move(browser_of, wards, "Ward B", active=True)  # back, in another department
    assert calls[-1] == {"user_ids": [wards["learner"].id]}
    assert date_text(wards["b_due"]) in _report_row(browser_of, wards["manager_b"])


def test_records_outlive_deactivation(app, wards, browser_of):
    from course.models import Certificate, QuizAttempt
    from course.services import practice, progress, quiz

    module = catalog.published_module(SLUG)
    learner_id = wards["learner"].id
    for lesson in module.published.lessons:
        progress.record_lesson_read(learner_id, module, lesson)
    for exercise in module.published.exercises:
        practice.submit(learner_id, module, exercise, MODEL_ANSWERS[exercise.key])
    attempt = quiz.start_attempt(learner_id, module)
    right = {q["key"]: [c["id"] for c in q["choices"] if c["correct"]] for q in attempt.questions}
    quiz.submit_attempt(attempt, right)
    progress.refresh(learner_id, module)
    db.session.commit()
    _move(browser_of, wards, "Ward A", active=False)
    db.session.expire_all()
    assert db.session.scalar(db.select(db.func.count(Certificate.id))) == 1
    assert db.session.scalar(db.select(db.func.count(QuizAttempt.id))) == 1
    code = db.session.scalar(db.select(Certificate.code))
    assert app.test_client().get(f"/verify/{code}").status_code == 200
