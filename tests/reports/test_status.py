"""The status rule, tested through the service every page, CSV and API row uses."""

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select, update

from course.extensions import db
from course.models import Assignment, Certificate, ModuleProgress, QuizAttempt
from course.models.types import utcnow
from course.services import assignments, clock, due_dates, progress, reports
from course.services.scope import scope_for

from .helpers import assign, complete, module, pass_quiz


def _statuses(manager, **filters):
    page = reports.page(scope_for(manager), reports.Filters(**filters))
    return {(r.learner, r.module): r for r in page.rows}


def test_each_status_as_the_legend_defines_it(ward):
    manager, learner, colleague = ward["manager"], ward["learner"], ward["colleague"]
    assign(manager, days=10)
    mod = module()
    title = mod.published.title
    rows = _statuses(manager)
    assert rows[("Sofía Álvarez", title)].status is reports.Status.NOT_STARTED
    progress.record_lesson_read(colleague.id, mod, mod.published.lessons[0])
    assert _statuses(manager)[("Jonas Berg", title)].status is reports.Status.IN_PROGRESS
    assert complete(learner.id) is True
    row = _statuses(manager)[("Sofía Álvarez", title)]
    assert row.status is reports.Status.COMPLETED
    assert row.completed_at is not None
    assert row.score == 100
    # The due date passes: not-completed rows become overdue, the completed one stays completed.
    db.session.execute(update(Assignment).values(due_on=utcnow().date() - timedelta(days=1)))
    due_dates.refresh_due()  # as any change to assignments does
    db.session.commit()
    rows = _statuses(manager)
    assert rows[("Jonas Berg", title)].status is reports.Status.OVERDUE
    assert rows[("Maya Manager", title)].status is reports.Status.OVERDUE
    assert rows[("Sofía Álvarez", title)].status is reports.Status.COMPLETED


def test_learners_of_other_departments_are_not_in_the_report(ward):
    assign(ward["manager"])
    names = {r.learner for r in _statuses(ward["manager"]).values()}
    assert names == {"Maya Manager", "Sofía Álvarez", "Jonas Berg"}
    assert _statuses(ward["other_manager"]) == {}


def test_the_earliest_due_date_and_shortest_interval_apply(ward):
    manager, learner = ward["manager"], ward["learner"]
    assign(manager, days=30, recert=24)
    assign(manager, days=5, recert=12, user_ids=[learner.id])
    rows = _statuses(manager)
    mine = next(r for (name, _), r in rows.items() if name == "Sofía Álvarez")
    theirs = next(r for (name, _), r in rows.items() if name == "Jonas Berg")
    assert (mine.due_on - utcnow().date()).days == 5
    assert mine.recert_months == 12
    assert (theirs.due_on - utcnow().date()).days == 30
    assert len(rows) == 3  # one row per learner and module, not per assignment


def test_completion_expires_and_a_new_pass_renews_it(ward):
    manager, learner = ward["manager"], ward["learner"]
    assign(manager, recert=12)
    complete(learner.id)
    first = db.session.scalar(select(Certificate))
    # It stops counting at the start of the organisation's day the report's rule names.
    assert first.expires_at == clock.start_of_day(clock.expires_on(first.issued_at, 12))
    # Thirteen months later (moved back in time): expired.
    long_ago = utcnow() - timedelta(days=400)
    db.session.execute(update(ModuleProgress).values(completed_at=long_ago))
    db.session.execute(update(QuizAttempt).values(submitted_at=long_ago))
    db.session.commit()
    row = next(r for r in _statuses(manager).values() if r.learner == "Sofía Álvarez")
    assert row.status is reports.Status.EXPIRED
    assert reports.assigned_to(learner.id)[module().id].status is reports.Status.EXPIRED
    # A lesson read does not renew; a quiz passed after expiry does, with a new certificate.
    mod = module()
    progress.record_lesson_read(learner.id, mod, mod.published.lessons[0])
    assert db.session.scalar(select(db.func.count()).select_from(Certificate)) == 1
    assert pass_quiz(learner.id) is True
    row = next(r for r in _statuses(manager).values() if r.learner == "Sofía Álvarez")
    assert row.status is reports.Status.COMPLETED
    assert db.session.scalar(select(db.func.count()).select_from(Certificate)) == 2


def test_completion_without_assignment_issues_a_certificate_without_expiry(ward):
    complete(ward["learner"].id)
    certificate = db.session.scalar(select(Certificate))
    assert certificate.learner_name == "Sofía Álvarez"
    assert certificate.expires_at is None
    assert len(certificate.code) >= 20


@pytest.mark.parametrize(
    ("status", "expected"),
    [("completed", {"Sofía Álvarez"}), ("not_started", {"Jonas Berg", "Maya Manager"})],
)
def test_status_filter(ward, status, expected):
    assign(ward["manager"])
    complete(ward["learner"].id)
    rows = _statuses(ward["manager"], status=reports.Status(status))
    assert {name for name, _ in rows} == expected


def test_summary_counts_only_what_was_assigned(ward):
    manager = ward["manager"]
    assign(manager)
    complete(ward["learner"].id)
    complete(ward["colleague"].id, "connect-with-peers")  # not assigned: not counted
    summary = reports.summary(scope_for(manager), reports.Filters())
    assert summary.assigned == 3
    assert summary.counts[reports.Status.COMPLETED] == 1
    [by_module] = summary.by_module
    assert (by_module.assigned, by_module.completed, by_module.percent) == (3, 1, 33)
    [by_department] = summary.by_department
    assert by_department.name == "Ward A"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"module_ids": []}, "at least one module"),
        ({"due_on": utcnow().date() - timedelta(days=1)}, "in the past"),
        ({"department_id": None}, "department or to learners"),
        ({"recert_months": 0}, "1 to 120"),
    ],
)
def test_assignment_service_refuses_bad_input(ward, kwargs, message):
    manager = ward["manager"]
    values = {
        "module_ids": [module().id],
        "due_on": utcnow().date(),
        "recert_months": None,
        "department_id": ward["learner"].department_id,
    }
    values.update(kwargs)
    with pytest.raises(assignments.AssignmentError, match=message):
        assignments.assign(manager.id, scope_for(manager), **values)


def test_manager_cannot_assign_to_another_department(ward):
    manager = ward["manager"]
    with pytest.raises(assignments.AssignmentError, match="do not manage"):
        assignments.assign(
            manager.id,
            scope_for(manager),
            [module().id],
            utcnow().date(),
            department_id=ward["outsider"].department_id,
        )


def test_add_months_clamps_to_the_end_of_the_month():
    assert clock.add_months(datetime(2027, 1, 31), 1) == datetime(2027, 2, 28)
    assert clock.add_months(datetime(2027, 11, 15), 14) == datetime(2029, 1, 15)
    assert clock.add_months(datetime(2027, 3, 31), -1) == datetime(2027, 2, 28)


def test_progress_is_the_dashboards_percent_in_the_page_csv_and_api(ward, client, auth):
    manager, learner, colleague = ward["manager"], ward["learner"], ward["colleague"]
    assign(manager)
    mod = module()
    progress.record_lesson_read(colleague.id, mod, mod.published.lessons[0])
    complete(learner.id)
    db.session.commit()
    rows = _statuses(manager)
    title = mod.published.title
    for person in (manager, learner, colleague):
        [card] = [c for c in progress.dashboard(person.id) if c.slug == mod.slug]
        assert rows[(person.name, title)].progress == card.percent
    assert [rows[(p.name, title)].progress for p in (manager, colleague, learner)][::2] == [0, 100]
    assert 0 < rows[("Jonas Berg", title)].progress < 100
    auth.sign_in(manager)
    page = client.get("/reports/").get_data(as_text=True)
    assert "Progress (%)" in page
    csv_text = client.get("/reports/export.csv?q=Jonas").get_data(as_text=True)
    header, row = [line.split(",") for line in csv_text.lstrip("\ufeff").splitlines()]
    assert row[header.index("Progress (%)")] == str(rows[("Jonas Berg", title)].progress)
