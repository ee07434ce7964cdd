"""Self-service: a forgotten password by a mailed single-use link, and My account (name,
email confirmed by mail, password, sign out everywhere). Mail goes through a real SMTP server
on loopback (aiosmtpd)."""

import email
import email.policy
import re
from datetime import timedelta

import pytest
from mail.conftest import BASE_URL
from sqlalchemy import func, select

from course.cli_mail import deliver
from course.extensions import db
from course.models import AccountLink, AuditEvent, ResetRequest, User, UserSession
from course.models.types import utcnow

NEW_PASSWORD = "violet-kettle-harbour-47"


def mails(server) -> list:
    return [
        email.message_from_bytes(e.content, policy=email.policy.default) for e in server.envelopes
    ]


def link_in(message, path: str) -> str:
    """The path (under the site) of the link in a delivered message's text part."""
    text = message.get_body(("plain",)).get_content()
    found = re.search(re.escape(BASE_URL) + "(" + re.escape(path) + r"[^\s]+)", text)
    assert found, text
    return found[1]


def audit_actions(user_id) -> list[str]:
    return db.session.scalars(
        select(AuditEvent.action)
        .where(AuditEvent.subject == f"user:{user_id}")
        .order_by(AuditEvent.id)
    ).all()


def sessions_of(user_id) -> int:
    return db.session.scalar(
        select(func.count()).select_from(UserSession).where(UserSession.user_id == user_id)
    )


# -- forgotten password ------------------------------------------------------------------------


def test_the_sign_in_page_links_to_the_forgotten_password_form(client):
    page = client.get("/sign-in").get_data(as_text=True)
    assert 'href="/forgot-password"' in page
    assert "Type the email address" in client.get("/forgot-password").get_data(as_text=True)


def test_the_answer_is_the_same_whether_an_account_has_the_email_or_not(
    client, smtp_app, smtp_server, learner
):
    known = client.post("/forgot-password", data={"email": learner.email})
    unknown = client.post("/forgot-password", data={"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 302
    assert known.headers["Location"] == unknown.headers["Location"]
    page = client.get(known.headers["Location"]).get_data(as_text=True)
    assert "If an account uses that address" in page
    deliver()
    assert [e.rcpt_tos for e in smtp_server.envelopes] == [[learner.email]]


def test_a_reset_link_sets_a_new_password_once_and_ends_every_session(
    app, client, smtp_app, smtp_server, learner, browser_of
):
    phone = browser_of(learner)  # signed in elsewhere
    assert phone.get("/account").status_code == 200
    client.post("/forgot-password", data={"email": learner.email.upper()})
    deliver()
    (message,) = mails(smtp_server)
    assert message["Subject"] == "Set a new password for St Example Hospital training"
    path = link_in(message, "/reset-password/")
    html = message.get_body(("html",)).get_content()
    assert f'href="{BASE_URL}{path}"' in html

    form = client.get(path)
    assert form.status_code == 200
    assert form.headers["Referrer-Policy"] == "no-referrer"  # the key stays out of Referer
    assert learner.email in form.get_data(as_text=True)

    weak = client.post(path, data={"password": "password12", "confirm": "password12"})
    assert weak.status_code == 422
    assert "error-message" in weak.get_data(as_text=True)
    differ = client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD + "x"})
    assert "The two passwords differ" in differ.get_data(as_text=True)

    done = client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 302
    assert done.headers["Location"].endswith("/sign-in")
    assert sessions_of(learner.id) == 0
    assert phone.get("/account").status_code == 302  # the other device is signed out
    assert "user.password" in audit_actions(learner.id)

    again = client.get(path)
    assert again.status_code == 410
    assert "expired or was already used" in again.get_data(as_text=True)
    assert client.post(path, data={"password": "x", "confirm": "x"}).status_code == 410
    signed = client.post("/sign-in", data={"email": learner.email, "password": NEW_PASSWORD})
    assert signed.status_code == 302


def test_a_reset_link_expires_after_an_hour(client, smtp_app, smtp_server, learner):
    client.post("/forgot-password", data={"email": learner.email})
    deliver()
    path = link_in(mails(smtp_server)[0], "/reset-password/")
    link = db.session.scalar(select(AccountLink))
    assert link.expires_at - link.created_at == timedelta(hours=1)
    link.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert client.get(path).status_code == 410
    response = client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 410
    db.session.expire_all()
    assert db.session.get(User, learner.id).password_hash == learner.password_hash


def test_a_link_that_expired_before_send_mail_ran_is_not_sent(
    client, smtp_app, smtp_server, learner
):
    client.post("/forgot-password", data={"email": learner.email})
    db.session.scalar(select(AccountLink)).expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    deliver()
    assert smtp_server.envelopes == []


def test_a_deactivated_account_gets_no_link(client, smtp_app, smtp_server, learner):
    db.session.get(User, learner.id).active = False
    db.session.commit()
    client.post("/forgot-password", data={"email": learner.email})
    deliver()
    assert smtp_server.envelopes == []


def test_requests_are_throttled_per_email_silently_and_per_address_openly(
    app, client, smtp_app, smtp_server, learner
):
    for _ in range(5):
        assert client.post("/forgot-password", data={"email": learner.email}).status_code == 302
    deliver()
    assert len(smtp_server.envelopes) == app.config["RESET_EMAIL_REQUESTS"]
    app.config["RESET_ADDRESS_REQUESTS"] = 6
    client.post("/forgot-password", data={"email": "someone@example.org"})
    refused = client.post("/forgot-password", data={"email": "other@example.org"})
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0
    assert "Too many requests from this network" in refused.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(ResetRequest)) == 6


@pytest.mark.parametrize(
    ("email", "message"),
    [("", "Enter your email address."), ("not-an-email", "Enter an email address such as")],
)
def test_a_bad_email_is_refused_next_to_the_field(client, email, message):
    response = client.post("/forgot-password", data={"email": email})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)


def test_an_unknown_reset_key_gets_the_dead_link_page(client):
    assert client.get("/reset-password/not-a-key").status_code == 410


# -- My account --------------------------------------------------------------------------------


def test_a_person_changes_their_name(client, auth, learner):
    auth.sign_in(learner)
    assert client.post("/account/name", data={"name": "  Nora   Newname "}).status_code == 302
    assert db.session.get(User, learner.id).name == "Nora Newname"
    refused = client.post("/account/name", data={"name": ""})
    assert refused.status_code == 422
    assert "Enter your name." in refused.get_data(as_text=True)
    assert "user.update" in audit_actions(learner.id)


def test_a_new_email_is_confirmed_by_a_link_sent_to_it(
    app, client, auth, smtp_app, smtp_server, learner, make_user
):
    auth.sign_in(learner)
    wrong = client.post(
        "/account/email", data={"email": "nora@new.example.org", "email_current_password": "nope"}
    )
    assert wrong.status_code == 422
    assert "That is not your current password." in wrong.get_data(as_text=True)
    other = make_user(email="taken@example.org")
    taken = client.post(
        "/account/email",
        data={"email": other.email, "email_current_password": "correct-horse-battery"},
    )
    assert "Another account already has this email address." in taken.get_data(as_text=True)
    asked = client.post(
        "/account/email",
        data={"email": "Nora@New.example.org", "email_current_password": "correct-horse-battery"},
    )
    assert asked.status_code == 302
    assert db.session.get(User, learner.id).email == learner.email  # not yet
    deliver()
    (message,) = mails(smtp_server)
    assert message["To"] == "nora@new.example.org"
    path = link_in(message, "/account/email/")

    stranger = app.test_client()  # a mistyped address's owner cannot take the account
    auth_other = stranger.post(
        "/sign-in", data={"email": other.email, "password": "correct-horse-battery"}
    )
    assert auth_other.status_code == 302
    assert stranger.get(path).status_code == 410

    assert "Use nora@new.example.org" in client.get(path).get_data(as_text=True)
    assert client.post(path).status_code == 302
    db.session.expire_all()
    assert db.session.get(User, learner.id).email == "nora@new.example.org"
    assert client.get(path).status_code == 410  # used once
    deliver()
    notice = mails(smtp_server)[-1]
    assert notice["To"] == "nurse@example.org"  # the old address is told
    assert "was changed" in notice["Subject"]


def test_changing_the_password_needs_the_current_one_and_ends_other_sessions(
    client, auth, learner, browser_of
):
    phone = browser_of(learner)
    auth.sign_in(learner)
    wrong = client.post(
        "/account/password",
        data={"current_password": "guess", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert wrong.status_code == 422
    assert "That is not your current password." in wrong.get_data(as_text=True)
    weak = client.post(
        "/account/password",
        data={
            "current_password": "correct-horse-battery",
            "password": "qwertyuiop",
            "confirm": "qwertyuiop",
        },
    )
    assert weak.status_code == 422
    done = client.post(
        "/account/password",
        data={
            "current_password": "correct-horse-battery",
            "password": NEW_PASSWORD,
            "confirm": NEW_PASSWORD,
        },
    )
    assert done.status_code == 302
    assert client.get("/account").status_code == 200  # this browser stays signed in
    assert phone.get("/account").status_code == 302  # the other one does not
    assert sessions_of(learner.id) == 1
    assert "user.password" in audit_actions(learner.id)


def test_wrong_current_passwords_are_throttled_like_sign_in(app, client, auth, learner):
    auth.sign_in(learner)
    for _ in range(app.config["SIGN_IN_FREE_FAILURES"] + 1):
        client.post(
            "/account/password",
            data={"current_password": "guess", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
        )
    response = client.post(
        "/account/password",
        data={
            "current_password": "correct-horse-battery",
            "password": NEW_PASSWORD,
            "confirm": NEW_PASSWORD,
        },
    )
    assert response.status_code == 429
    assert "Too many wrong passwords" in response.get_data(as_text=True)


def test_sign_out_everywhere_ends_every_session(client, auth, learner, browser_of):
    phone = browser_of(learner)
    auth.sign_in(learner)
    response = client.post("/account/sign-out-everywhere")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/sign-in")
    assert sessions_of(learner.id) == 0
    assert client.get("/account").status_code == 302
    assert phone.get("/account").status_code == 302
    assert "user.sign_out_everywhere" in audit_actions(learner.id)


@pytest.mark.parametrize(
    "path",
    ["/account/name", "/account/email", "/account/password", "/account/sign-out-everywhere"],
)
def test_account_forms_need_sign_in_and_csrf(app, client, auth, learner, path):
    assert client.post(path).status_code == 302
    assert "/sign-in" in client.post(path).headers["Location"]
    auth.sign_in(learner)
    app.config["WTF_CSRF_ENABLED"] = True
    assert client.post(path, data={"name": "Forged"}).status_code in (400, 422)
    assert sessions_of(learner.id) == 1
    assert db.session.get(User, learner.id).name == "Nora Nurse"
