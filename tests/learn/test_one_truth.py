"""One progress and one status for a learner, whichever page reads them; completions that only
retraining or expiry end; a certificate's standing today; a newcomer's grace period."""

import re
from datetime import date, datetime, timedelta

import pytest
from model_answers import MODEL_ANSWERS
from reports.helpers import assign, complete, module, pass_quiz
from sqlalchemy import select, update

from course.extensions import db
from course.models import Assignment, Certificate, ModuleProgress, ProgressStatus, Role, User
from course.models.types import utcnow
from course.services import (
    accounts,
    assignments,
    authoring,
    clock,
    due_dates,
    practice,
    progress,
    reports,
    steps,
)
from course.services.scope import scope_for

SLUG = "hands-on-training"


@pytest.fixture
def manager(curriculum, make_user):
    boss = make_user(email="maya@example.org", roles={Role.MANAGER, Role.LEARNER, Role.TRAINER})
    accounts.set_manager(boss.email, ["Ward A"])
    db.session.commit()
    return boss


def _badge(page: str) -> str:
    """The status badge of the first module on a page."""
    return re.search(r'class="badge badge-(?:not_started|in_progress|completed)">([^<]+)<', page)[1]


def _card(page: str, title: str) -> str:
    """The dashboard card of one module."""
    start = page.index(f">{title}</a></h2>")
    return page[start : page.index("</li>", start)]


def test_percent_counts_lessons_exercises_and_the_quiz():
    # 3 lessons read and 2 exercises passed, quiz not taken: 5 of 6 steps.
    assert steps.percent(3, 3, 2, 2, quiz_passed=False, completed=False) == 83
    assert steps.percent(3, 3, 2, 2, quiz_passed=True, completed=False) == 99
    assert steps.percent(0, 3, 0, 2, quiz_passed=False, completed=False) == 0
    assert steps.percent(0, 4, 0, 2, quiz_passed=False, completed=True) == 100
    # Evidence of steps a later version removed never counts twice.
    assert steps.percent(5, 3, 0, 0, quiz_passed=False, completed=False) == 75


def test_dashboard_and_module_page_show_the_same_percent(curriculum, learner, client, auth):
    mod = module(SLUG)
    for lesson in mod.published.lessons:
        progress.record_lesson_read(learner.id, mod, lesson)
    for exercise in mod.published.exercises:
        practice.submit(learner.id, mod, exercise, MODEL_ANSWERS[exercise.key])
    db.session.commit()
    steps = len(mod.published.lessons) + len(mod.published.exercises)
    expected = 100 * steps // (steps + 1)  # every step but the quiz
    auth.sign_in(learner)
    dashboard = _card(client.get("/").get_data(as_text=True), mod.published.title)
    page = client.get(f"/modules/{SLUG}").get_data(as_text=True)
    assert f'value="{expected}"' in dashboard
    assert f'value="{expected}"' in page
    assert _badge(dashboard) == _badge(page) == "In progress"


def test_a_publication_without_retraining_ends_no_completion(manager, learner, client, auth):
    assign(manager, SLUG)
    assert complete(learner.id, SLUG)
    db.session.commit()
    row = db.session.get(ModuleProgress, (learner.id, module(SLUG).id))
    completed_at = row.completed_at

    mod = module(SLUG)
    authoring.save_lesson(mod, manager.id, None, "A new lesson", "More to read.")
    authoring.publish(mod, manager.id, "One more lesson")
    db.session.commit()

    auth.sign_in(learner)
    dashboard = _card(client.get("/").get_data(as_text=True), mod.published.title)
    page = client.get(f"/modules/{SLUG}").get_data(as_text=True)
    assert _badge(dashboard) == _badge(page) == "Completed"
    assert 'value="100"' in dashboard
    assert 'value="100"' in page

    # Passing again never erases a completion.
    pass_quiz(learner.id, SLUG)
    db.session.commit()
    db.session.expire_all()
    row = db.session.get(ModuleProgress, (learner.id, mod.id))
    assert row.status is ProgressStatus.COMPLETED
    assert row.completed_at == completed_at
    report = client.get("/reports/")  # the learner is no manager: the report is not theirs
    assert report.status_code in (302, 403, 404)


def test_retraining_starts_everyone_again_with_the_reason_everywhere(
    manager, learner, client, auth
):
    assign(manager, SLUG)
    complete(learner.id, SLUG)
    mod = module(SLUG)
    authoring.ensure_draft(mod, manager.id)
    authoring.publish(mod, manager.id, "Policy update", True, "The hospital's new policy")
    db.session.commit()

    auth.sign_in(learner)
    dashboard = client.get("/").get_data(as_text=True)
    card = _card(dashboard, mod.published.title)
    page = client.get(f"/modules/{SLUG}").get_data(as_text=True)
    assert _badge(card) == _badge(page) == "Not started"
    assert 'value="0"' in card
    assert 'value="0"' in page
    for shown in (card, page):
        assert "The hospital&#39;s new policy" in shown
        assert "Take this module again" in shown
    assert "None" not in page
    assert "You have completed 0 of" in dashboard


def test_an_expired_completion_is_not_counted_as_completed(manager, learner, client, auth):
    assign(manager, SLUG, recert=12)
    complete(learner.id, SLUG)
    mod = module(SLUG)
    db.session.execute(
        update(ModuleProgress)
        .where(ModuleProgress.user_id == learner.id, ModuleProgress.module_id == mod.id)
        .values(completed_at=utcnow() - timedelta(days=400))
    )
    db.session.commit()
    auth.sign_in(learner)
    dashboard = client.get("/").get_data(as_text=True)
    assert "You have completed 0 of" in dashboard
    assert "Expired" in _card(dashboard, mod.published.title)
    assert "Expired" in client.get(f"/modules/{SLUG}").get_data(as_text=True)


def test_a_certificate_states_its_standing_today(manager, learner, client, auth):
    assign(manager, SLUG)
    complete(learner.id, SLUG)
    db.session.commit()
    code = db.session.scalar(select(Certificate.code).where(Certificate.user_id == learner.id))
    verify = client.get(f"/verify/{code}").get_data(as_text=True)
    assert "Valid</span> with no expiry" in verify

    mod = module(SLUG)
    authoring.ensure_draft(mod, manager.id)
    authoring.publish(mod, manager.id, "Policy update", True, "Internal: new policy")
    db.session.commit()
    today = clock.today().strftime("%d %b %Y")
    verify = client.get(f"/verify/{code}").get_data(as_text=True)
    assert f"Superseded</span> on {today}" in verify
    assert "Valid" not in verify
    assert "Internal: new policy" not in verify  # the public page shows no more than that
    auth.sign_in(learner)
    mine = client.get("/certificates").get_data(as_text=True)
    assert f"Superseded</span> on {today}" in mine
    assert "Internal: new policy" in mine


def test_an_expired_certificate_says_so_on_the_day_the_report_does(manager, learner, client):
    assign(manager, SLUG, recert=12)
    complete(learner.id, SLUG)
    db.session.commit()
    certificate = db.session.scalar(select(Certificate).where(Certificate.user_id == learner.id))
    expires_on = clock.expires_on(certificate.issued_at, 12)
    assert clock.local_date(certificate.expires_at) == expires_on
    db.session.execute(
        update(Certificate)
        .where(Certificate.id == certificate.id)
        .values(expires_at=utcnow() - timedelta(days=1))
    )
    db.session.commit()
    verify = client.get(f"/verify/{certificate.code}").get_data(as_text=True)
    assert "Expired</span> on" in verify


def test_a_newcomer_gets_the_grace_period(manager, make_user):
    # Assigned three days ago, due tomorrow, to a ward its manager joined ten days ago.
    assign(manager, SLUG, days=1)
    db.session.execute(update(Assignment).values(created_at=utcnow() - timedelta(days=3)))
    db.session.execute(update(User).values(department_since=clock.today() - timedelta(days=10)))
    due_dates.refresh_due()
    db.session.commit()
    newcomer = make_user(email="new@example.org")  # joins Ward A today
    mod = module(SLUG)
    row = db.session.get(ModuleProgress, (newcomer.id, mod.id))
    assert row.due_on == clock.today() + timedelta(days=30)
    veteran = make_user(email="old@example.org", department="Ward B")
    accounts.update_user(
        veteran.id,
        name=veteran.name,
        email=veteran.email,
        department="Ward A",
        roles={Role.LEARNER},
        active=True,
        actor_id=manager.id,
    )
    db.session.commit()
    row = db.session.get(ModuleProgress, (veteran.id, mod.id))
    assert row.due_on == clock.today() + timedelta(days=30)
    # Those who were there when it was assigned keep its due date.
    assert db.session.get(ModuleProgress, (manager.id, mod.id)).due_on == clock.today() + timedelta(
        days=1
    )


def test_due_15_december_is_not_overdue_at_16_30_on_15_december_in_los_angeles(
    app, manager, learner
):
    app.config["ORGANISATION_TIME_ZONE"] = "America/Los_Angeles"
    mod = module(SLUG)
    assignments.assign(
        manager.id, scope_for(manager), [mod.id], date(2026, 12, 15), user_ids=[learner.id]
    )
    db.session.commit()
    evening = datetime(2026, 12, 16, 0, 30)  # 16:30 on 15 Dec in Los Angeles, stored UTC
    assert reports.assigned_to(learner.id, evening)[mod.id].status is not reports.Status.OVERDUE
    next_morning = datetime(2026, 12, 16, 8, 30)  # 00:30 on 16 Dec there
    assert reports.assigned_to(learner.id, next_morning)[mod.id].status is reports.Status.OVERDUE
