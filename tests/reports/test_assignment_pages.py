"""The assignments page: list in scope, change the due date or recertification, withdraw with
a confirmation page; each change audited and reflected in the report at once."""

from datetime import timedelta

from sqlalchemy import func, select

from course.extensions import db
from course.models import Assignment, AuditEvent, Certificate, ModuleProgress
from course.models.types import utcnow

from .helpers import assign, complete


def _due(user_id):
    db.session.expire_all()
    return db.session.scalar(select(ModuleProgress.due_on).where(ModuleProgress.user_id == user_id))


def test_managers_list_only_their_departments_assignments(ward, client, auth):
    [mine] = assign(ward["manager"])
    [theirs] = assign(ward["other_manager"], department_name="Ward B")
    db.session.commit()
    auth.sign_in(ward["manager"])
    page = client.get("/reports/assignments").get_data(as_text=True)
    assert f"/reports/assignments/{mine.id}" in page
    assert f"/reports/assignments/{theirs.id}" not in page
    assert "Maya Manager" in page  # who assigned it
    assert client.get(f"/reports/assignments/{theirs.id}").status_code == 404
    assert client.get(f"/reports/assignments/{theirs.id}/withdraw").status_code == 404
    assert client.post(f"/reports/assignments/{theirs.id}/withdraw").status_code == 404


def test_changing_the_due_date_shows_at_once_and_is_audited(ward, client, auth):
    [row] = assign(ward["manager"])
    db.session.commit()
    auth.sign_in(ward["manager"])
    later = (utcnow() + timedelta(days=60)).date()
    response = client.post(
        f"/reports/assignments/{row.id}", data={"due_on": later.isoformat(), "recert_months": "12"}
    )
    assert response.status_code == 302
    assert _due(ward["learner"].id) == later
    line = db.session.scalar(
        select(AuditEvent.summary).where(AuditEvent.action == "assignment.update")
    )
    assert f"to {later.isoformat()}" in line
    assert "recertify every never to 12 months" in line
    assert later.strftime("%Y") in client.get("/reports/").get_data(as_text=True)


def test_a_past_due_date_is_refused_next_to_the_field(ward, client, auth):
    [row] = assign(ward["manager"])
    db.session.commit()
    auth.sign_in(ward["manager"])
    response = client.post(
        f"/reports/assignments/{row.id}", data={"due_on": "2020-01-01", "recert_months": "500"}
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="recert_months-error"' in page
    response = client.post(f"/reports/assignments/{row.id}", data={"due_on": "2020-01-01"})
    assert 'id="due_on-error"' in response.get_data(as_text=True)
    assert "The due date is in the past" in response.get_data(as_text=True)


def test_withdraw_asks_first_then_keeps_completions(ward, client, auth):
    [row] = assign(ward["manager"])
    complete(ward["learner"].id)
    db.session.commit()
    row_id, learner_id, colleague_id = row.id, ward["learner"].id, ward["colleague"].id
    auth.sign_in(ward["manager"])
    confirm = client.get(f"/reports/assignments/{row_id}/withdraw").get_data(as_text=True)
    assert "Withdraw the assignment" in confirm
    assert db.session.get(Assignment, row_id) is not None  # asking changed nothing
    response = client.post(f"/reports/assignments/{row_id}/withdraw")
    assert response.status_code == 302
    db.session.expunge_all()
    assert db.session.get(Assignment, row_id) is None
    assert _due(colleague_id) is None  # nothing left to do
    assert db.session.scalar(select(func.count(Certificate.id))) == 1  # evidence kept
    done = db.session.scalar(
        select(ModuleProgress.completed_at).where(ModuleProgress.user_id == learner_id)
    )
    assert done is not None
    line = db.session.scalar(
        select(AuditEvent.summary).where(AuditEvent.action == "assignment.withdraw")
    )
    assert "for Ward A" in line
    # The manager still reads the line about the assignment that is gone.
    assert "assignment.withdraw" in client.get("/reports/audit").get_data(as_text=True)


def test_withdraw_needs_the_csrf_token(app, ward, client, auth):
    [row] = assign(ward["manager"])
    db.session.commit()
    auth.sign_in(ward["manager"])
    app.config["WTF_CSRF_ENABLED"] = True
    assert client.post(f"/reports/assignments/{row.id}/withdraw").status_code == 400
    assert db.session.get(Assignment, row.id) is not None


def test_the_list_costs_a_fixed_number_of_statements(ward, client, auth, count_queries):
    auth.sign_in(ward["manager"])

    def statements() -> int:
        with count_queries() as queries:
            assert client.get("/reports/assignments").status_code == 200
        return len(queries)

    assign(ward["manager"])
    db.session.commit()
    few = statements()
    for days in range(15, 75):
        assign(ward["manager"], days=days, user_ids=[ward["learner"].id])
    db.session.commit()
    assert statements() == few
