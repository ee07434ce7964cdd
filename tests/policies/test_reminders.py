"""Reminders to sign: 7 and 1 days before the due date, then once overdue; never twice a day,
never to someone who has signed; `send-reminders` writes them."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from course.extensions import db
from course.models import OutboxMessage, PolicyAssignment
from course.services import clock, mail, notifications, policies

from .conftest import sign_form


def _assign(policy, user, days: int) -> None:
    db.session.add(
        PolicyAssignment(
            policy_id=policy.id, user_id=user.id, due_on=clock.today() + timedelta(days=days)
        )
    )
    db.session.commit()


def _messages():
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def test_reminders_before_the_due_date_and_once_overdue(policy, make_user):
    soon, later, late, signer = (make_user(name=f"Person {n}") for n in "ABCD")
    _assign(policy, soon, 7)
    _assign(policy, later, 5)  # no reminder day
    _assign(policy, late, -1)
    _assign(policy, signer, 1)
    policies.sign(signer, policy, shown_hash=policies.text_hash(policy.current), agreed=True,
                  typed_name=signer.name, password="correct-horse-battery",
                  ip_address="127.0.0.1", user_agent="pytest")  # fmt: skip
    assert notifications.enqueue_policy_reminders() == 2
    db.session.commit()
    assert notifications.enqueue_policy_reminders() == 0  # the same day: nothing new
    subjects = {m.user_id: notifications.compose(m).subject for m in _messages()}
    assert subjects == {
        soon.id: "Due in 7 days: sign Social media policy",
        late.id: "Overdue: sign Social media policy",
    }


def test_a_reminder_to_someone_who_signed_in_between_is_not_sent(policy, make_user, client, auth):
    person = make_user(name="Nora Nurse")
    _assign(policy, person, 1)
    notifications.enqueue_policy_reminders()
    db.session.commit()
    auth.sign_in(person)
    client.post(f"/policies/{policy.id}", data=sign_form(policy))
    (message,) = _messages()
    with pytest.raises(mail.Skip, match="Signed before the reminder went"):
        notifications.compose(message)


def test_send_reminders_writes_them(policy, make_user, runner):
    _assign(policy, make_user(), 7)
    result = runner.invoke(args=["course", "send-reminders"])
    assert result.exit_code == 0, result.output
    assert "1 policy signature reminders." in result.output
