"""Policy mail through the real outbox and a real SMTP server on loopback: asking people to
sign a policy (on its own, by a due date) mails each of them, as module assignments do; a new
version that asks earlier signers again mails them; reminders follow from send-reminders."""

import email
import email.policy
from datetime import timedelta

import pytest

from course.cli_mail import deliver
from course.extensions import db
from course.models import MessageState, Role
from course.services import accounts, clock, policies
from course.services.scope import Scope
from course.templating import date_text

from .conftest import BASE_URL

TEXT = "## Social media\n\nNever post anything about a patient.\n"


def received(server):
    return [
        email.message_from_bytes(e.content, policy=email.policy.default) for e in server.envelopes
    ]


def by_recipient(server) -> dict:
    return {m["To"].addresses[0].addr_spec: m for m in received(server)}


@pytest.fixture
def ward(app, make_user):
    """Mona manages Ward A (three learners); an admin; a published policy."""
    admin = make_user(
        email="ada@example.org", name="Ada Admin", roles={Role.ADMIN}, department="Office"
    )
    manager = make_user(
        email="manager@example.org", name="Mona Manager", roles={Role.MANAGER}, department="Office"
    )
    accounts.set_manager(manager.email, ["Ward A"])
    learners = [
        make_user(email=f"l{n}@example.org", name=f"Learner {n}", department="Ward A")
        for n in range(1, 4)
    ]
    make_user(email="elsewhere@example.org", department="Ward B")
    policy = policies.create(admin.id, "Social media policy", TEXT, clock.today(), "")
    policies.publish(admin.id, policy)
    db.session.commit()
    return admin, manager, learners, policy


def test_asking_a_department_to_sign_mails_each_learner(smtp_app, smtp_server, ward, client, auth):
    _admin, manager, learners, policy = ward
    due = clock.today() + timedelta(days=14)
    auth.sign_in(manager)
    form = {
        "policies": str(policy.id),
        "due_on": due.isoformat(),
        "target": "department",
        "department": str(learners[0].department_id),
    }
    response = client.post("/reports/policies/assign", data=form)
    assert response.status_code == 302, response.get_data(as_text=True)
    assert deliver()[MessageState.SENT] == 3
    messages = by_recipient(smtp_server)
    assert sorted(messages) == sorted(learner.email for learner in learners)
    message = messages["l1@example.org"]
    assert message["Subject"] == f"Please sign: Social media policy, by {date_text(due)}"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    link = f"{BASE_URL}/policies/{policy.id}"
    assert f"Read and sign: {link}" in text
    assert f'href="{link}"' in html
    assert "St Example Hospital asks you to read and sign" in text
    assert "cannot be turned off" in html
    assert message["List-Unsubscribe"] is None  # a request to sign cannot be turned off
    assert deliver().total() == 0  # nothing is sent twice


def test_named_learners_and_one_who_already_signed(smtp_app, smtp_server, ward):
    admin, manager, learners, policy = ward
    signer = learners[0]
    policies.sign(signer, policy, shown_hash=policies.text_hash(policy.current), agreed=True,
                  typed_name=signer.name, password="correct-horse-battery",
                  ip_address="127.0.0.1", user_agent="pytest")  # fmt: skip
    accounts.update_user(
        learners[2].id,
        name=learners[2].name,
        email=learners[2].email,
        department="Ward A",
        roles=learners[2].roles,
        active=False,
        managed_department_ids=[],
        actor_id=admin.id,
    )
    policies.assign(manager.id, Scope(None), [policy.id], clock.today() + timedelta(days=3),
                    user_ids=[signer.id, learners[1].id, learners[2].id])  # fmt: skip
    db.session.commit()
    assert deliver()[MessageState.SENT] == 2  # the deactivated account gets nothing
    messages = by_recipient(smtp_server)
    assert sorted(messages) == ["l1@example.org", "l2@example.org"]
    signed = messages["l1@example.org"].get_body(("plain",)).get_content()
    assert "You have already signed version 1, which still counts." in signed
    assert "Read and sign" not in signed
    assert "Read and sign" in messages["l2@example.org"].get_body(("plain",)).get_content()


def test_a_new_version_asking_again_mails_earlier_signers(smtp_app, smtp_server, ward):
    admin, _manager, learners, policy = ward
    for person in learners[:2]:
        policies.sign(person, policy, shown_hash=policies.text_hash(policy.current),
                      agreed=True, typed_name=person.name, password="correct-horse-battery",
                      ip_address="127.0.0.1", user_agent="pytest")  # fmt: skip
    db.session.commit()
    policies.start_draft(admin.id, policy)
    draft = policies.draft_of(policy)
    policies.save_draft(admin.id, policy, draft.title, draft.body_markdown + "\n- No photos.\n",
                        clock.today(), "Added a rule on photographs.")  # fmt: skip
    policies.publish(admin.id, policy, resign=True, due_on=clock.today() + timedelta(days=7),
                     reason="New rule on patient photos.")  # fmt: skip
    db.session.commit()
    assert deliver()[MessageState.SENT] == 2
    messages = by_recipient(smtp_server)
    assert sorted(messages) == ["l1@example.org", "l2@example.org"]
    message = messages["l1@example.org"]
    assert message["Subject"].startswith("Please sign again: Social media policy, by ")
    text = message.get_body(("plain",)).get_content()
    assert "Version 2 of" in text
    assert "New rule on patient photos." in text
    assert f"{BASE_URL}/policies/{policy.id}" in text


def test_reminders_to_sign_arrive(smtp_app, smtp_server, ward, runner):
    _admin, manager, learners, policy = ward
    policies.assign(manager.id, Scope(None), [policy.id], clock.today() + timedelta(days=7),
                    user_ids=[learners[0].id])  # fmt: skip
    db.session.commit()
    deliver()
    assert len(smtp_server.envelopes) == 1  # the request
    result = runner.invoke(args=["course", "send-reminders"])
    assert result.exit_code == 0, result.output
    assert deliver()[MessageState.SENT] == 1
    reminder = received(smtp_server)[-1]
    assert reminder["Subject"] == "Due in 7 days: sign Social media policy"
    assert f"{BASE_URL}/policies/{policy.id}" in reminder.get_body(("plain",)).get_content()
