"""Assignment rules on the assignments page: make, change, withdraw through the forms; refusals
next to their fields; who may touch which rule; the audit page; a fixed statement count."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from course.extensions import db
from course.models import AssignmentRule, AuditEvent, Role
from course.services import accounts, assignment_rules, clock
from course.services.scope import scope_for
from course.templating import date_text

from .helpers import department, module


def _form(**changes) -> dict:
    data = {
        "modules": [str(module().id)],
        "department": str(department("Ward A").id),
        "job_title": "Registered Nurse",
        "due_days": "30",
        "recert_months": "12",
    }
    data.update(changes)
    return data


def _make(manager, job_title="Registered Nurse") -> AssignmentRule:
    rule = assignment_rules.create(
        manager.id,
        scope_for(manager),
        [module().id],
        30,
        12,
        department_id=department("Ward A").id,
        job_title=job_title,
    )
    db.session.commit()
    return rule


@pytest.fixture
def admin(make_user):
    return make_user(email="ada@example.org", name="Ada Admin", roles={Role.ADMIN}, department=None)


def test_a_manager_makes_a_rule_and_the_page_lists_it(ward, client, auth):
    auth.sign_in(ward["manager"])
    form = client.get("/reports/assignments/rules/new").get_data(as_text=True)
    for label in ("Department", "Job title", "Due within (days)", "Recertify every (months)"):
        assert f">{label}</label>" in form, label
    assert "Every department" not in form  # a manager's choices are their departments
    response = client.post("/reports/assignments/rules/new", data=_form())
    assert response.status_code == 302
    rule = db.session.scalar(select(AssignmentRule))
    assert rule.job_title == "Registered Nurse"
    assert rule.created_by_id == ward["manager"].id
    page = client.get("/reports/assignments").get_data(as_text=True)
    assert "1 rule in force" in page
    assert "Registered Nurse in Ward A" in page
    assert "30 days after hire or joining" in page
    assert f"/reports/assignments/rules/{rule.id}/withdraw" in page


def test_a_manager_cannot_make_a_rule_for_every_department(ward, client, auth):
    auth.sign_in(ward["manager"])
    response = client.post("/reports/assignments/rules/new", data=_form(department=""))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="department-error"' in page
    assert 'value="Registered Nurse"' in page  # what was typed is kept
    ward_b = department("Ward B").id
    response = client.post("/reports/assignments/rules/new", data=_form(department=str(ward_b)))
    assert response.status_code == 422
    assert 'id="department-error"' in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(AssignmentRule.id))) == 0


def test_an_admin_makes_a_rule_for_everyone(ward, client, auth, admin):
    auth.sign_in(admin)
    assert "Every department" in client.get("/reports/assignments/rules/new").get_data(as_text=True)
    response = client.post(
        "/reports/assignments/rules/new", data=_form(department="", job_title="")
    )
    assert response.status_code == 302
    rule = db.session.scalar(select(AssignmentRule))
    assert (rule.department_id, rule.job_title) == (None, None)
    assert "everyone" in client.get("/reports/assignments").get_data(as_text=True)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"due_days": "abc"}, "due_days"),
        ({"due_days": ""}, "due_days"),
        ({"due_days": "9999"}, "due_days"),
        ({"recert_months": "0"}, "recert_months"),
        ({"modules": []}, "modules"),
        ({"job_title": "x" * 121}, "job_title"),
    ],
)
def test_bad_input_is_shown_next_to_its_field(ward, client, auth, changes, field):
    auth.sign_in(ward["manager"])
    response = client.post("/reports/assignments/rules/new", data=_form(**changes))
    assert response.status_code == 422
    assert f'id="{field}-error"' in response.get_data(as_text=True)


def test_changing_a_rule_moves_due_dates_at_once(ward, client, auth):
    accounts.update_user(
        ward["learner"].id,
        name=ward["learner"].name,
        email=ward["learner"].email,
        department="Ward A",
        roles=ward["learner"].roles,
        active=True,
        actor_id=None,
        job_title="Registered Nurse",
    )
    rule = _make(ward["manager"])
    auth.sign_in(ward["manager"])
    response = client.post(
        f"/reports/assignments/rules/{rule.id}", data={"due_days": "45", "recert_months": ""}
    )
    assert response.status_code == 302
    bad = client.post(f"/reports/assignments/rules/{rule.id}", data={"due_days": "-3"})
    assert bad.status_code == 422
    assert 'id="due_days-error"' in bad.get_data(as_text=True)
    later = clock.today() + timedelta(days=45)
    auth.sign_out()
    auth.sign_in(ward["learner"])
    assert date_text(later) in client.get("/").get_data(as_text=True)  # the dashboard


def test_withdrawing_asks_first_and_is_audited(ward, client, auth):
    rule = _make(ward["manager"])
    auth.sign_in(ward["manager"])
    confirm = client.get(f"/reports/assignments/rules/{rule.id}/withdraw").get_data(as_text=True)
    assert "Withdraw the rule" in confirm
    assert "completions, certificates and evidence stay" in confirm
    assert db.session.get(AssignmentRule, rule.id).withdrawn_at is None  # asking changed nothing
    response = client.post(f"/reports/assignments/rules/{rule.id}/withdraw")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(AssignmentRule, rule.id).withdrawn_at is not None
    page = client.get("/reports/assignments").get_data(as_text=True)
    assert "0 rules in force" in page
    assert "Withdrawn" in page
    assert client.get(f"/reports/assignments/rules/{rule.id}").status_code == 404
    assert client.post(f"/reports/assignments/rules/{rule.id}/withdraw").status_code == 404
    audit = client.get("/reports/audit").get_data(as_text=True)
    assert "rule.create" in audit
    assert "rule.withdraw" in audit


def test_withdraw_needs_the_csrf_token(app, ward, client, auth):
    rule = _make(ward["manager"])
    auth.sign_in(ward["manager"])
    app.config["WTF_CSRF_ENABLED"] = True
    assert client.post(f"/reports/assignments/rules/{rule.id}/withdraw").status_code == 400
    assert db.session.get(AssignmentRule, rule.id).withdrawn_at is None


def test_other_managers_get_404_on_a_rule_and_do_not_see_it(ward, client, auth):
    rule = _make(ward["manager"])
    auth.sign_in(ward["other_manager"])
    for url in (
        f"/reports/assignments/rules/{rule.id}",
        f"/reports/assignments/rules/{rule.id}/withdraw",
    ):
        assert client.get(url).status_code == 404, url
        assert client.post(url, data={"due_days": "5"}).status_code == 404, url
    assert "Registered Nurse" not in client.get("/reports/assignments").get_data(as_text=True)
    assert "rule.create" not in client.get("/reports/audit").get_data(as_text=True)
    assert db.session.get(AssignmentRule, rule.id).due_days == 30


def test_a_rule_for_every_department_is_an_admins_alone(ward, client, auth, admin):
    rule = assignment_rules.create(admin.id, scope_for(admin), [module().id], 10, None)
    db.session.commit()
    auth.sign_in(ward["manager"])
    page = client.get("/reports/assignments").get_data(as_text=True)
    assert "An admin's rule" in page  # it reaches their people: listed, not theirs to change
    assert f"/reports/assignments/rules/{rule.id}" not in page
    assert client.get(f"/reports/assignments/rules/{rule.id}").status_code == 404
    assert client.post(f"/reports/assignments/rules/{rule.id}/withdraw").status_code == 404


def test_managers_of_the_department_read_the_rule_lines_of_others(ward, client, auth, admin):
    _make(admin)  # an admin's rule for Ward A
    auth.sign_in(ward["manager"])
    audit = client.get("/reports/audit").get_data(as_text=True)
    assert "rule.create" in audit
    line = db.session.scalar(select(AuditEvent.summary).where(AuditEvent.action == "rule.create"))
    assert "Registered Nurse in Ward A" in line


def test_the_page_costs_the_same_statements_however_many_rules(ward, client, auth, count_queries):
    auth.sign_in(ward["manager"])

    def statements() -> int:
        with count_queries() as queries:
            assert client.get("/reports/assignments").status_code == 200
        return len(queries)

    _make(ward["manager"])
    few = statements()
    for number in range(20):
        _make(ward["manager"], job_title=f"Title {number}")
    assert statements() == few
