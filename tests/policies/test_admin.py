"""Admins write, publish and attach policies in the browser; bad input is refused next to
its field; learners and managers reach none of it."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from course.extensions import db
from course.models import AuditEvent, Module, Policy, Role
from course.services import clock


@pytest.fixture
def as_admin(client, auth, admin):
    auth.sign_in(admin)
    return admin


def _error(text: str, field: str) -> str:
    return text.split(f'id="{field}-error">', 1)[1].split("</p>", 1)[0]


def test_an_admin_writes_publishes_and_changes_a_policy(client, as_admin, module):
    today = clock.today().isoformat()
    response = client.post(
        "/admin/policies/new",
        data={"title": "Social media policy", "body": "Be **kind**.", "effective_on": today},
    )
    assert response.status_code == 302
    policy = db.session.scalar(select(Policy))
    url = f"/admin/policies/{policy.id}"
    page = client.get(url).get_data(as_text=True)
    assert "Draft: version 1" in page
    assert "<strong>kind</strong>" in page
    # Learners see nothing before it is published.
    assert client.get(f"/policies/{policy.id}").status_code == 404

    assert client.post(f"{url}/publish", data={}).status_code == 302
    assert client.get(f"/policies/{policy.id}").status_code == 200

    # Version 2: a copy of 1; publishing it needs a summary, and asking for signatures again
    # needs a due date and a reason, each refused next to its field.
    assert client.post(f"{url}/draft").status_code == 302
    response = client.post(
        url,
        data={"title": "Social media policy", "body": "Be kind. No photos.", "effective_on": today},
    )
    assert response.status_code == 302
    response = client.post(f"{url}/publish", data={"resign": "y"})
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "Choose the day by which people must sign again." in _error(text, "due_on")
    assert "Say why people must sign again." in _error(text, "reason")
    due = (clock.today() + timedelta(days=14)).isoformat()
    response = client.post(f"{url}/publish", data={"resign": "y", "due_on": due, "reason": "X"})
    assert response.status_code == 422
    assert "Say what changed in this version." in _error(
        response.get_data(as_text=True), "change_summary"
    )
    client.post(
        url,
        data={
            "title": "Social media policy",
            "body": "Be kind. No photos.",
            "effective_on": today,
            "change_summary": "No photos.",
        },
    )
    response = client.post(
        f"{url}/publish", data={"resign": "y", "due_on": due, "reason": "Photos rule."}
    )
    assert response.status_code == 302
    db.session.expire_all()
    policy = db.session.get(Policy, policy.id)
    assert policy.current.number == 2
    assert policy.resign_since == 2
    assert policy.resign_due_on.isoformat() == due
    # Version 1 still reads exactly as it was.
    assert "No photos" not in client.get(f"/policies/{policy.id}/versions/1").get_data(as_text=True)

    # Attached to a module.
    response = client.post(f"{url}/modules", data={"modules": [str(module.id)]})
    assert response.status_code == 302
    assert db.session.get(Module, module.id).policy_id == policy.id
    actions = db.session.scalars(
        select(AuditEvent.action)
        .where(AuditEvent.action.startswith("policy."))
        .order_by(AuditEvent.id)
    ).all()
    assert actions == [
        "policy.create",
        "policy.publish",
        "policy.draft",
        "policy.edit",
        "policy.edit",
        "policy.publish",
        "policy.attach",
    ]


@pytest.mark.parametrize(
    ("form", "field", "message"),
    [
        ({"title": "", "body": "x"}, "title", "Give the policy a title."),
        ({"title": "T", "body": ""}, "body", "Write the text of the policy."),
        ({"title": "T", "body": "x", "effective_on": "2026-13-45"}, "effective_on", "date"),
        ({"title": "x" * 201, "body": "x"}, "title", "200"),
    ],
)
def test_bad_policy_input_is_refused_next_to_its_field(client, as_admin, form, field, message):
    form.setdefault("effective_on", clock.today().isoformat())
    response = client.post("/admin/policies/new", data=form)
    assert response.status_code == 422
    assert message in _error(response.get_data(as_text=True), field)
    assert db.session.scalar(select(Policy)) is None


@pytest.mark.parametrize("role", [Role.LEARNER, Role.TRAINER, Role.MANAGER])
def test_only_admins_write_policies(client, auth, make_user, policy, role):
    auth.sign_in(make_user(roles={role}))
    for method, url in [
        ("GET", "/admin/policies"),
        ("POST", "/admin/policies/new"),
        ("POST", f"/admin/policies/{policy.id}/publish"),
        ("POST", f"/admin/policies/{policy.id}/draft"),
    ]:
        assert client.open(url, method=method, data={"title": "x"}).status_code == 403
