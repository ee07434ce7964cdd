"""The outbox page, the unsubscribe page, the digest setting and the assignment schedule."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from course.cli_mail import deliver
from course.extensions import db
from course.models import (
    Assignment,
    MailOptOut,
    MessageState,
    Module,
    ModuleProgress,
    OutboxMessage,
    ProgressStatus,
    Role,
)
from course.models.types import utcnow
from course.services import authoring, certificates, clock, mail, notifications


@pytest.fixture
def admin_client(make_user, browser_of):
    return browser_of(make_user(email="ada@example.org", roles={Role.ADMIN}, department=None))


def test_the_outbox_lists_each_message_with_state_and_error(app, admin_client, assign):
    assign()
    deliver()
    failed = db.session.scalars(select(OutboxMessage)).first()
    failed.state, failed.last_error = MessageState.FAILED, "550 5.1.1 No such mailbox"
    db.session.commit()
    page = admin_client.get("/admin/mail").get_data(as_text=True)
    assert "l1@example.org" in page
    assert "Assigned to you: Hands-on training" in page
    assert "550 5.1.1 No such mailbox" in page
    assert "Failed" in page
    assert "writes each message as an .eml file" in page
    only_failed = admin_client.get("/admin/mail?state=failed").get_data(as_text=True)
    assert only_failed.count("admin-email") == 1
    assert admin_client.get("/admin/mail?state=lost").status_code == 400


def test_a_message_is_shown_as_read_with_its_html_sanitized_and_framed(
    app, admin_client, ward, assign
):
    _, (first, *_) = ward
    first.name = '<img src=x onerror="alert(1)">Eve'
    db.session.commit()
    assign()
    message_id = db.session.scalar(
        select(OutboxMessage.id).where(OutboxMessage.user_id == first.id)
    )
    page = admin_client.get(f"/admin/mail/{message_id}").get_data(as_text=True)
    assert "Not attempted yet" in page  # composed for the view, nothing stored
    assert db.session.get(OutboxMessage, message_id).mime is None
    assert 'sandbox src="/admin/mail/' in page
    assert "Dear &lt;img" in page  # the text part, escaped on the page
    framed = admin_client.get(f"/admin/mail/{message_id}/message.html")
    assert "sandbox" in framed.headers["Content-Security-Policy"]
    assert "script-src" not in framed.headers["Content-Security-Policy"]
    body = framed.get_data(as_text=True)
    assert "<img" not in body  # the name is text, never a tag
    assert "Dear &lt;img src=x onerror=&#34;alert(1)&#34;&gt;Eve" in body
    assert "Hands-on training" in body
    assert "style=" in body


def test_a_failed_message_can_be_sent_again(app, admin_client, assign, smtp_app, smtp_server):
    assign()
    smtp_server.refuse, smtp_server.reply = 1, "550 5.1.1 No such mailbox"
    deliver()
    failed = db.session.scalar(
        select(OutboxMessage.id).where(OutboxMessage.state == MessageState.FAILED)
    )
    response = admin_client.post(f"/admin/mail/{failed}/send-again")
    assert response.status_code == 302
    assert deliver()[MessageState.SENT] == 1
    assert len(smtp_server.envelopes) == 3


def certificate_message(user, module_slug="hands-on-training"):
    module = db.session.scalar(select(Module).where(Module.slug == module_slug))
    certificate = certificates.issue(user.id, module, utcnow(), 90)
    db.session.commit()
    return certificate


def test_optional_mail_carries_a_working_unsubscribe(app, client, ward, smtp_app, smtp_server):
    import email
    import email.policy

    _, (first, *_) = ward
    certificate_message(first)
    deliver()
    message = email.message_from_bytes(
        smtp_server.envelopes[0].content, policy=email.policy.default
    )
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = message["List-Unsubscribe"].strip("<>")
    assert link in message.get_body(("plain",)).get_content()
    path = link.removeprefix("https://training.example.org/rounds")
    page = client.get(path)
    assert page.status_code == 200
    assert "Stop sending me certificate notices" in page.get_data(as_text=True)
    assert not mail.opted_out(first.id, "certificate")  # a GET changes nothing
    app.config["WTF_CSRF_ENABLED"] = True  # a mail program's one-click POST has no token
    response = client.post(path, data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert mail.opted_out(first.id, "certificate")
    certificate_message(first, "meet-the-experts")
    assert db.session.scalar(select(db.func.count()).select_from(OutboxMessage)) == 1
    client.post(path.replace("/unsubscribe/", "/resubscribe/"))
    assert not mail.opted_out(first.id, "certificate")


def test_a_message_queued_before_opting_out_is_cancelled(app, ward):
    _, (first, *_) = ward
    certificate_message(first)
    notifications.set_subscribed(first, "certificate", False, actor_id=first.id)
    db.session.commit()
    assert deliver()[MessageState.CANCELLED] == 1


@pytest.mark.parametrize(
    "token",
    [
        "nonsense",
        "compliance",  # a signed token for a kind that cannot be turned off
    ],
)
def test_unsubscribe_refuses_bad_tokens(app, client, learner, token):
    if token == "compliance":
        token = mail.unsubscribe_token(learner.id, "overdue")
    assert client.get(f"/mail/unsubscribe/{token}").status_code == 404
    assert client.post(f"/mail/unsubscribe/{token}").status_code == 404
    assert db.session.scalar(select(db.func.count()).select_from(MailOptOut)) == 0


def test_a_manager_chooses_the_digest_weekday_or_turns_it_off(app, ward, browser_of):
    manager, _ = ward
    browser = browser_of(manager)
    assert "Weekly digest" in browser.get("/reports/profile").get_data(as_text=True)
    assert browser.post("/reports/profile/digest", data={"weekday": "4"}).status_code == 302
    db.session.refresh(manager)
    assert manager.digest_weekday == 4
    assert not mail.opted_out(manager.id, "digest")
    browser.post("/reports/profile/digest", data={"weekday": "off"})
    assert mail.opted_out(manager.id, "digest")
    page = browser.get("/reports/profile").get_data(as_text=True)
    assert '<option selected value="off">' in page
    assert browser.post("/reports/profile/digest", data={"weekday": "9"}).status_code == 422


def test_the_assignment_form_sets_the_reminder_schedule(app, ward, browser_of):
    manager, (first, *_) = ward
    browser = browser_of(manager)
    module_id = db.session.scalar(select(Module.id).where(Module.slug == "hands-on-training"))
    form = {
        "modules": [module_id],
        "target": "department",
        "department": first.department_id,
        "due_on": (clock.today() + timedelta(days=30)).isoformat(),
        "remind_before": "14, 3,x",
        "overdue_every": "5",
        "overdue_times": "2",
    }
    refused = browser.post("/reports/assignments/new", data=form)
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert "whole numbers of days from 1 to 90" in page
    assert 'value="14, 3,x"' in page
    form["remind_before"] = "3, 14"
    assert browser.post("/reports/assignments/new", data=form).status_code == 302
    saved = db.session.scalar(select(Assignment))
    assert (saved.remind_before, saved.overdue_every, saved.overdue_times) == ("14,3", 5, 2)
    defaults = browser.get("/reports/assignments/new").get_data(as_text=True)
    assert 'value="7, 1"' in defaults


def test_a_rolled_back_change_sends_nothing(app, ward):
    _, (first, *_) = ward
    mail.enqueue("certificate", first.email, user_id=first.id)
    db.session.rollback()
    assert db.session.scalar(select(db.func.count()).select_from(OutboxMessage)) == 0


def test_publishing_with_retraining_tells_those_who_completed_with_the_reason(app, ward):
    _, (first, second, _) = ward
    module = db.session.scalar(select(Module).where(Module.slug == "hands-on-training"))

    db.session.add(
        ModuleProgress(user_id=first.id, module_id=module.id, status=ProgressStatus.COMPLETED,
                       completed_at=utcnow())
    )  # fmt: skip
    db.session.commit()
    authoring.ensure_draft(module, None)
    db.session.commit()
    authoring.publish(module, None, "New privacy rules", True, "The HIPAA section changed.")
    messages = db.session.scalars(select(OutboxMessage)).all()
    assert [(m.kind, m.user_id, m.params["reason"]) for m in messages] == [
        ("retraining", first.id, "The HIPAA section changed.")
    ]
    composed = notifications.compose(messages[0])
    assert "The HIPAA section changed." in composed.text
    assert "The HIPAA section changed." in composed.html
    assert composed.unsubscribe_url is None
