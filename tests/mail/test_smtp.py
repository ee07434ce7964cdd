"""Delivery to a real SMTP server on loopback: what arrives, retries, refusals, settings."""

import email
import email.policy
from datetime import timedelta

import pytest
from sqlalchemy import select

from course.cli_mail import deliver
from course.extensions import db
from course.models import MailAttempt, MessageState, OutboxMessage
from course.models.types import utcnow
from course.services import mail

from .conftest import BASE_URL


def received(server):
    return [
        email.message_from_bytes(e.content, policy=email.policy.default) for e in server.envelopes
    ]


def test_assignment_message_arrives_with_both_parts_links_and_headers(
    smtp_app, smtp_server, assign, ward
):
    _, learners = ward
    assign(due_on=utcnow().date() + timedelta(days=20))
    outcome = deliver()
    assert outcome[MessageState.SENT] == 3
    assert sorted(rcpt for e in smtp_server.envelopes for rcpt in e.rcpt_tos) == sorted(
        learner.email for learner in learners
    )
    message = received(smtp_server)[0]
    assert message["Subject"].startswith("Assigned to you: Hands-on training")
    assert message["From"] == "Training <training@example.org>"
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["List-Unsubscribe"] is None  # compliance: cannot be turned off
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    link = f"{BASE_URL}/modules/hands-on-training"
    assert link in text
    assert f'href="{link}"' in html
    assert "St Example Hospital" in text
    assert "St Example Hospital" in html
    assert "because a manager assigned this module to you" in text
    assert "cannot be turned off" in html


def test_a_refused_delivery_is_retried_later_and_each_attempt_recorded(
    smtp_app, smtp_server, assign
):
    assign()
    smtp_server.refuse = 1
    now = utcnow()
    first = deliver(now=now)
    assert first[MessageState.PENDING] == 1
    assert first[MessageState.SENT] == 2
    waiting = db.session.scalar(
        select(OutboxMessage).where(OutboxMessage.state == MessageState.PENDING)
    )
    assert "451" in waiting.last_error
    assert waiting.next_attempt_at == now + timedelta(minutes=1)
    assert deliver(now=now + timedelta(seconds=30)).total() == 0  # not before its time
    assert deliver(now=now + timedelta(minutes=2))[MessageState.SENT] == 1
    attempts = db.session.scalars(
        select(MailAttempt).where(MailAttempt.message_id == waiting.id).order_by(MailAttempt.id)
    ).all()
    assert [a.ok for a in attempts] == [False, True]
    assert len(smtp_server.envelopes) == 3


def test_a_permanent_refusal_fails_at_once_and_stays_in_the_outbox(smtp_app, smtp_server, assign):
    assign()
    smtp_server.refuse, smtp_server.reply = 1, "550 5.1.1 No such mailbox"
    outcome = deliver()
    assert outcome[MessageState.FAILED] == 1
    failed = db.session.scalar(
        select(OutboxMessage).where(OutboxMessage.state == MessageState.FAILED)
    )
    assert failed.last_error.startswith("550")


def test_an_unreachable_server_stops_the_run_and_loses_nothing(smtp_app, assign):
    import click

    from .conftest import free_port

    smtp_app.config["MAIL_SMTP_PORT"] = free_port()  # nobody listens there
    assign()
    with pytest.raises(click.ClickException, match="cannot reach the SMTP server"):
        deliver()
    states = db.session.scalars(select(OutboxMessage.state)).all()
    assert sorted(states) == [MessageState.PENDING] * 3


@pytest.mark.parametrize(
    ("settings", "named"),
    [
        ({"MAIL_SMTP_HOST": "smtp.example.org"}, "MAIL_FROM"),
        ({"MAIL_SMTP_HOST": "smtp.example.org", "MAIL_FROM": "a@example.org"}, "MAIL_BASE_URL"),
        ({"MAIL_SMTP_HOST": "h", "MAIL_FROM": "a@b.org", "MAIL_BASE_URL": "https://x.org",
          "MAIL_SMTP_USER": "u"}, "MAIL_SMTP_PASSWORD"),
        ({"MAIL_SMTP_HOST": "h", "MAIL_FROM": "a@b.org", "MAIL_BASE_URL": "https://x.org",
          "MAIL_SMTP_SECURITY": "ssl"}, "MAIL_SMTP_SECURITY"),
        ({"MAIL_SMTP_HOST": "h", "MAIL_FROM": "a@b.org", "MAIL_BASE_URL": "x.org"},
         "MAIL_BASE_URL"),
        ({"MAIL_SMTP_HOST": "h", "MAIL_FROM": "a@b.org", "MAIL_BASE_URL": "https://x.org",
          "MAIL_SMTP_PORT": "smtp"}, "MAIL_SMTP_PORT"),
        ({"MAIL_SMTP_USER": "u"}, "MAIL_SMTP_HOST"),
    ],
)  # fmt: skip
def test_send_mail_refuses_an_incomplete_setting_and_names_it(app, runner, settings, named):
    app.config.update(settings)
    result = runner.invoke(args=["course", "send-mail"])
    assert result.exit_code == 1
    assert named in result.output


def test_without_smtp_messages_become_eml_files(app, runner, assign):
    assign()
    result = runner.invoke(args=["course", "send-mail"])
    assert result.exit_code == 0, result.output
    assert "3 sent" in result.output
    files = sorted((mail.settings().directory).glob("*.eml"))
    assert len(files) == 3
    message = email.message_from_bytes(files[0].read_bytes(), policy=email.policy.default)
    assert message.get_body(("plain",)).get_content().count("http://127.0.0.1:5000/modules/") == 1
    assert runner.invoke(args=["course", "send-mail"]).output.startswith("Mail")
    assert len(list(mail.settings().directory.glob("*.eml"))) == 3  # nothing sent twice
