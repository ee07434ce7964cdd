"""The policy report: signed / not signed / overdue per person and policy, by THE rule; the
same filters as the completion report; its CSV; scope; a fixed number of statements."""

import csv
import io
from datetime import timedelta

import pytest
from sqlalchemy import select

from course.extensions import db
from course.models import PolicyAssignment, Role
from course.services import accounts, clock, policies, policy_status
from course.services.scope import Scope

from .conftest import publish_v2, sign_form


@pytest.fixture
def people(make_user, policy):
    """Ward A: a manager and three learners; Ward B: one learner."""
    manager = make_user(email="maya@example.org", name="Maya Manager", roles={Role.MANAGER})
    accounts.set_manager(manager.email, ["Ward A"])
    made = {
        "manager": manager,
        "ann": make_user(email="ann@example.org", name="Ann Signer"),
        "bob": make_user(email="bob@example.org", name="Bob Late"),
        "cy": make_user(email="cy@example.org", name="Cy Pending"),
        "dee": make_user(email="dee@example.org", name="Dee Elsewhere", department="Ward B"),
    }
    db.session.commit()
    return made


def _sign(user, policy):
    policies.sign(user, policy, **{
        "shown_hash": policies.text_hash(policy.current), "agreed": True,
        "typed_name": user.name, "password": "correct-horse-battery",
        "ip_address": "127.0.0.1", "user_agent": "pytest",
    })  # fmt: skip
    db.session.commit()


def _csv(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def test_statuses_follow_the_one_rule(people, policy, admin):
    ward_a = people["ann"].department_id
    policies.assign(admin.id, Scope(None), [policy.id], clock.today() + timedelta(days=5),
                    department_id=ward_a)  # fmt: skip
    # Bob's own assignment was due yesterday (made then; the service refuses past dates now).
    db.session.add(
        PolicyAssignment(
            policy_id=policy.id, user_id=people["bob"].id, due_on=clock.today() - timedelta(1)
        )
    )
    db.session.commit()
    _sign(people["ann"], policy)
    rows = {
        r.learner_name: r for r in policy_status.iter_rows(Scope(None), policy_status.Filters())
    }
    assert rows["Ann Signer"].status is policy_status.SignStatus.SIGNED
    assert rows["Bob Late"].status is policy_status.SignStatus.OVERDUE
    assert rows["Bob Late"].due_on == clock.today() - timedelta(1)  # the earliest due date
    assert rows["Cy Pending"].status is policy_status.SignStatus.NOT_SIGNED
    assert "Dee Elsewhere" not in rows  # Ward B was not asked

    # Version 2 asks signers again: Ann is not signed, due by the new date, with the reason.
    publish_v2(admin.id, policy, days=3, reason="Photos rule.")
    ann = policy_status.of_learner(people["ann"].id)[0]
    assert ann.status is policy_status.SignStatus.NOT_SIGNED
    assert ann.due_on == clock.today() + timedelta(days=3)
    assert ann.resign_reason == "Photos rule."
    # Three days on, she is overdue; once she signs version 2 she is signed again.
    later = clock.start_of_day(clock.today() + timedelta(days=4))
    assert policy_status.of_learner(people["ann"].id, now=later)[0].status.value == "overdue"
    _sign(people["ann"], policy)
    ann = policy_status.of_learner(people["ann"].id)[0]
    assert ann.status is policy_status.SignStatus.SIGNED
    assert [s.version_number for s in ann.signatures] == [1, 2]


def test_a_version_without_re_signing_keeps_earlier_signatures_counting(people, policy, admin):
    _sign(people["ann"], policy)
    publish_v2(admin.id, policy, resign=False)
    (row,) = policy_status.of_learner(people["ann"].id)
    assert row.status is policy_status.SignStatus.SIGNED
    assert row.current_version == 2
    assert row.signed_version == 1


def test_the_manager_sees_their_departments_with_filters_and_csv(
    people, policy, admin, client, auth
):
    policies.assign(admin.id, Scope(None), [policy.id], clock.today() + timedelta(days=5),
                    user_ids=[people["ann"].id, people["cy"].id, people["dee"].id])  # fmt: skip
    db.session.commit()
    _sign(people["ann"], policy)
    auth.sign_in(people["manager"])
    page = client.get("/reports/policies")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Ann Signer" in text
    assert "Cy Pending" in text
    assert "Dee Elsewhere" not in text  # Ward B is not hers
    signed_only = client.get("/reports/policies?status=signed").get_data(as_text=True)
    assert "Ann Signer" in signed_only
    assert "Cy Pending" not in signed_only

    rows = _csv(client.get(f"/reports/policies/export.csv?policy={policy.id}"))
    assert [(r["Learner"], r["Status"]) for r in rows] == [
        ("Ann Signer", "Signed"),
        ("Cy Pending", "Not signed"),
    ]
    assert rows[0]["Signatures (version, UTC time)"].startswith("version 1 at ")
    assert client.get("/reports/policies?due_from=2026-02-01&due_to=2026-01-01").status_code == 400
    assert client.get("/reports/policies?page=99").status_code == 404


def test_the_report_page_costs_the_same_statements_for_more_people(
    people, policy, admin, client, auth, make_user, count_queries
):
    ward_a = people["ann"].department_id
    policies.assign(admin.id, Scope(None), [policy.id], clock.today() + timedelta(days=5),
                    department_id=ward_a)  # fmt: skip
    db.session.commit()
    auth.sign_in(people["manager"])

    def statements() -> int:
        with count_queries() as queries:
            assert client.get("/reports/policies").status_code == 200
        return len(queries)

    few = statements()
    for number in range(12):
        _sign(make_user(name=f"Extra Person {number}"), policy)
    assert statements() == few


def test_a_manager_asks_a_department_to_sign_and_bad_input_is_refused(people, policy, client, auth):
    auth.sign_in(people["manager"])
    past = (clock.today() - timedelta(days=1)).isoformat()
    response = client.post(
        "/reports/policies/assign",
        data={"policies": [str(policy.id)], "target": "department", "department": "",
              "due_on": past},
    )  # fmt: skip
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "The due date is in the past" in text.split('id="due_on-error">')[1].split("</p>")[0]
    assert "Choose the department." in text.split('id="department-error">')[1].split("</p>")[0]
    # Ward B is not hers: it is not even offered.
    response = client.post(
        "/reports/policies/assign",
        data={"policies": [str(policy.id)], "target": "learners",
              "learners": "dee@example.org", "due_on": clock.today().isoformat()},
    )  # fmt: skip
    assert response.status_code == 422
    assert "Not a learner in your departments: dee@example.org" in response.get_data(as_text=True)

    response = client.post(
        "/reports/policies/assign",
        data={"policies": [str(policy.id)], "target": "department",
              "department": str(people["ann"].department_id),
              "due_on": clock.today().isoformat()},
    )  # fmt: skip
    assert response.status_code == 302
    assignment = db.session.scalar(select(PolicyAssignment))
    assert assignment.department_id == people["ann"].department_id
    everyone = policy_status.iter_rows(Scope(None), policy_status.Filters())
    assert {r.learner_name for r in everyone} == {
        "Ada Admin", "Ann Signer", "Bob Late", "Cy Pending", "Maya Manager"
    }  # fmt: skip


def test_the_learner_evidence_page_lists_signatures(people, policy, client, auth):
    _sign(people["ann"], policy)
    auth.sign_in(people["manager"])
    text = client.get(f"/reports/learners/{people['ann'].id}").get_data(as_text=True)
    assert "Policy signatures" in text
    assert "Social media policy" in text
    assert "as “Ann Signer”" in text
    (signature,) = policies.signatures_of(people["ann"].id)
    assert f"/policies/signatures/{signature.id}.pdf" in text


def test_my_policies_lists_what_is_asked(people, policy, admin, client, auth):
    policies.assign(admin.id, Scope(None), [policy.id], clock.today() + timedelta(days=5),
                    user_ids=[people["cy"].id])  # fmt: skip
    db.session.commit()
    auth.sign_in(people["cy"])
    text = client.get("/policies").get_data(as_text=True)
    assert "Social media policy" in text
    assert "Not signed" in text
    assert (
        client.post(f"/policies/{policy.id}", data=sign_form(policy, name="Cy Pending")).status_code
        == 302
    )
    assert "Signed" in client.get("/policies").get_data(as_text=True)
