"""Two-step sign-in (TOTP) for admins and managers: enrolment at sign-in when required, codes
used once, recovery codes shown once and stored hashed, throttling, an admin's reset."""

import re
import time

import pyotp
import pytest
from sqlalchemy import func, select

from course.extensions import db
from course.models import AuditEvent, RecoveryCode, Role, User, UserSession

PASSWORD = "correct-horse-battery"


@pytest.fixture
def required(app):
    app.config["MFA_REQUIRED_ROLES"] = ("admin",)
    return app


def password_step(client, user):
    return client.post("/sign-in", data={"email": user.email, "password": PASSWORD})


def secret_on(page: str) -> str:
    return re.search(r'<code class="secret">([A-Z2-7]+)</code>', page)[1]


def code_at(secret: str, offset_steps: int = 0) -> str:
    return pyotp.TOTP(secret).at(time.time() + 30 * offset_steps)


def audit_actions(user_id) -> list[str]:
    return db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.subject == f"user:{user_id}")
    ).all()


def sessions_of(user_id) -> int:
    return db.session.scalar(
        select(func.count()).select_from(UserSession).where(UserSession.user_id == user_id)
    )


def enrol_at_sign_in(client, user) -> tuple[str, list[str]]:
    assert password_step(client, user).headers["Location"].endswith("/sign-in/set-up")
    page = client.get("/sign-in/set-up").get_data(as_text=True)
    assert "<svg" in page  # the QR code
    secret = secret_on(page)
    done = client.post("/sign-in/set-up", data={"code": code_at(secret)})
    assert done.status_code == 200
    codes = re.findall(r"<li><code>([a-z0-9]{5}-[a-z0-9]{5})</code></li>", done.get_data(True))
    return secret, codes


def test_an_admin_must_set_up_mfa_before_any_session_opens(client, required, make_user):
    admin = make_user(roles={Role.ADMIN})
    assert password_step(client, admin).status_code == 302
    assert sessions_of(admin.id) == 0
    assert client.get("/admin/users").status_code == 302  # not signed in yet
    page = client.get("/sign-in/set-up").get_data(as_text=True)
    wrong = client.post("/sign-in/set-up", data={"code": "000000"})
    assert wrong.status_code == 422
    assert "That code is not the one your app shows now" in wrong.get_data(as_text=True)
    done = client.post("/sign-in/set-up", data={"code": code_at(secret_on(page))})
    codes = re.findall(r"<code>([a-z0-9]{5}-[a-z0-9]{5})</code>", done.get_data(as_text=True))
    assert len(codes) == 10
    assert "shown only now" in done.get_data(as_text=True)
    assert sessions_of(admin.id) == 1
    assert client.get("/admin/users").status_code == 200
    stored = db.session.scalars(select(RecoveryCode.code_hash)).all()
    assert len(stored) == 10
    assert not {c.replace("-", "") for c in codes} & set(stored)  # hashed, never plain
    assert "user.mfa_enrol" in audit_actions(admin.id)


def test_a_code_signs_in_once_and_a_recovery_code_works_once(app, required, make_user):
    admin = make_user(roles={Role.ADMIN})
    first = app.test_client()
    secret, codes = enrol_at_sign_in(first, admin)

    second = app.test_client()
    assert password_step(second, admin).headers["Location"].endswith("/sign-in/code")
    assert second.get("/admin/users").status_code == 302
    # The enrolment's code was this step's: it is not accepted again.
    reused = second.post("/sign-in/code", data={"code": code_at(secret)})
    assert reused.status_code == 422
    ok = second.post("/sign-in/code", data={"code": code_at(secret, 1)})
    assert ok.status_code == 302
    assert second.get("/admin/users").status_code == 200

    third = app.test_client()
    password_step(third, admin)
    assert third.post("/sign-in/code", data={"code": codes[0].upper()}).status_code == 302
    fourth = app.test_client()
    password_step(fourth, admin)
    assert fourth.post("/sign-in/code", data={"code": codes[0]}).status_code == 422
    assert db.session.scalar(select(func.count()).select_from(RecoveryCode)) == 9
    assert "user.mfa_recovery_code" in audit_actions(admin.id)


def test_without_the_password_step_there_is_no_code_page(client, make_user):
    response = client.get("/sign-in/code")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/sign-in")
    assert client.post("/sign-in/set-up", data={"code": "123456"}).status_code == 302


def test_wrong_codes_are_throttled_as_failed_sign_ins(app, client, required, make_user):
    admin = make_user(roles={Role.ADMIN})
    secret, _ = enrol_at_sign_in(app.test_client(), admin)
    password_step(client, admin)
    for _ in range(app.config["SIGN_IN_FREE_FAILURES"]):
        assert client.post("/sign-in/code", data={"code": "000000"}).status_code == 422
    refused = client.post("/sign-in/code", data={"code": code_at(secret, 1)})
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0
    assert "Too many wrong codes" in refused.get_data(as_text=True)


def test_mfa_is_not_required_when_the_setting_says_none(client, make_user):
    admin = make_user(roles={Role.ADMIN})  # the test settings require it of no role
    assert password_step(client, admin).headers["Location"].endswith("/admin/users")


def test_a_manager_may_set_it_up_from_my_account_and_turn_it_off(client, auth, make_user):
    manager = make_user(roles={Role.MANAGER})
    auth.sign_in(manager)
    assert "Set up two-step sign-in" in client.get("/account").get_data(as_text=True)
    page = client.get("/account/mfa").get_data(as_text=True)
    secret = secret_on(page)
    assert client.get("/account/mfa").get_data(as_text=True).count(secret) >= 1  # same secret
    done = client.post("/account/mfa", data={"code": code_at(secret)})
    assert "shown only now" in done.get_data(as_text=True)
    assert db.session.get(User, manager.id).mfa_secret == secret
    assert "10 recovery codes left" in client.get("/account").get_data(as_text=True)

    auth.sign_out()
    password_step(client, manager)
    assert client.post("/sign-in/code", data={"code": code_at(secret, 1)}).status_code == 302
    wrong = client.post("/account/mfa/off", data={"code": "000000"})
    assert wrong.status_code == 422
    assert client.post("/account/mfa/off", data={"code": code_at(secret, -1)}).status_code == 422
    db.session.get(User, manager.id).mfa_last_step = None  # a fresh step for the test
    db.session.commit()
    assert client.post("/account/mfa/off", data={"code": code_at(secret)}).status_code == 302
    assert db.session.get(User, manager.id).mfa_secret is None
    assert "user.mfa_off" in audit_actions(manager.id)


def test_learners_and_trainers_cannot_enrol(client, auth, make_user):
    auth.sign_in(make_user(roles={Role.LEARNER, Role.TRAINER}))
    assert "two-step" not in client.get("/account").get_data(as_text=True).lower()
    assert client.get("/account/mfa").status_code == 403
    assert client.post("/account/mfa/off", data={"code": "123456"}).status_code == 403


def test_an_admin_resets_a_persons_mfa_with_an_audit_line(app, client, required, make_user):
    manager = make_user(roles={Role.MANAGER})
    other = app.test_client()
    password_step(other, manager)  # managers are not required: signed in at once
    secret = secret_on(other.get("/account/mfa").get_data(as_text=True))
    other.post("/account/mfa", data={"code": code_at(secret)})
    admin = make_user(roles={Role.ADMIN})
    enrol_at_sign_in(client, admin)
    page = client.get(f"/admin/users/{manager.id}").get_data(as_text=True)
    assert "Reset two-step sign-in" in page
    assert client.post(f"/admin/users/{manager.id}/mfa-reset").status_code == 302
    db.session.expire_all()
    assert db.session.get(User, manager.id).mfa_secret is None
    assert db.session.scalar(select(func.count()).select_from(RecoveryCode).where(
        RecoveryCode.user_id == manager.id)) == 0  # fmt: skip
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.mfa_reset"))
    assert (event.actor_id, event.subject) == (admin.id, f"user:{manager.id}")
    # A learner cannot reset anyone's.
    learner_client = app.test_client()
    password_step(learner_client, make_user())
    assert learner_client.post(f"/admin/users/{admin.id}/mfa-reset").status_code == 403


def test_an_admin_cannot_turn_off_what_their_role_requires(client, required, make_user):
    admin = make_user(roles={Role.ADMIN})
    secret, _ = enrol_at_sign_in(client, admin)
    assert "stays on" in client.get("/account").get_data(as_text=True)
    response = client.post("/account/mfa/off", data={"code": code_at(secret, 1)})
    assert response.status_code == 422
    assert "required for your role" in response.get_data(as_text=True)
    assert db.session.get(User, admin.id).mfa_secret == secret
