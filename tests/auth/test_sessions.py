"""Sessions end on the server: a copied cookie is worthless after sign-out, a new password or
a deactivation; remember cookies rotate; idle and absolute limits; sign-in starts afresh."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from course.extensions import db
from course.models import Role, UserSession
from course.models.types import utcnow
from course.services import accounts


def cookies_of(client) -> dict:
    return {name: client.get_cookie(name).value for name in ("session", "remember_token")
            if client.get_cookie(name) is not None}  # fmt: skip


def sign_in(client, learner, remember: bool = False):
    data = {"email": learner.email, "password": "correct-horse-battery"}
    assert (
        client.post("/sign-in", data=data | ({"remember": "y"} if remember else {})).status_code
        == 302
    )


def copy_into(app, cookies: dict):
    """Another browser holding a copy of these cookies (stolen, or left on a kiosk)."""
    thief = app.test_client()
    for name, value in cookies.items():
        thief.set_cookie(name, value)
    return thief


@pytest.mark.parametrize("remember", [False, True])
def test_a_cookie_copied_before_sign_out_does_not_work_after_it(app, client, learner, remember):
    sign_in(client, learner, remember)
    copied = cookies_of(client)
    assert ("remember_token" in copied) is remember
    assert copy_into(app, copied).get("/").status_code == 200  # the copy works while signed in
    client.post("/sign-out")
    assert copy_into(app, copied).get("/").status_code == 302
    if remember:  # the remember cookie alone, as after a browser restart
        alone = copy_into(app, {"remember_token": copied["remember_token"]})
        assert alone.get("/").status_code == 302


def test_sign_out_ends_only_that_browser(client, auth, learner, browser_of):
    phone = browser_of(learner)
    auth.sign_in(learner)
    auth.sign_out()
    assert phone.get("/").status_code == 200


def test_a_deactivated_account_stays_signed_out_after_reactivation(
    client, auth, learner, make_user
):
    admin = make_user(roles={Role.ADMIN})
    auth.sign_in(learner)
    copied = cookies_of(client)

    def set_active(active):
        accounts.update_user(
            learner.id,
            name=learner.name,
            email=learner.email,
            department="Ward A",
            roles={Role.LEARNER},
            active=active,
            actor_id=admin.id,
        )
        db.session.commit()

    set_active(False)
    assert client.get("/").status_code == 302
    set_active(True)
    assert client.get("/").status_code == 302
    assert copy_into(client.application, copied).get("/").status_code == 302


def test_a_password_reset_ends_remembered_sessions_too(app, client, learner, make_user):
    admin = make_user(roles={Role.ADMIN})
    sign_in(client, learner, remember=True)
    remember = client.get_cookie("remember_token").value
    accounts.reset_password(learner.id, "a-brand-new-password", actor_id=admin.id)
    db.session.commit()
    assert copy_into(app, {"remember_token": remember}).get("/").status_code == 302


def test_keep_me_signed_in_survives_a_browser_restart_and_rotates_its_cookie(app, client, learner):
    sign_in(client, learner, remember=True)
    first = client.get_cookie("remember_token").value
    restarted = copy_into(app, {"remember_token": first})  # the session cookie is gone
    assert restarted.get("/").status_code == 200
    second = restarted.get_cookie("remember_token").value
    assert second != first
    for _ in range(3):  # and it keeps working, request after request
        assert restarted.get("/").status_code == 200
    assert copy_into(app, {"remember_token": first}).get("/").status_code == 302
    again = copy_into(app, {"remember_token": restarted.get_cookie("remember_token").value})
    assert again.get("/").status_code == 200


def test_an_idle_session_ends(app, client, auth, learner):
    app.config["SESSION_IDLE_TIMEOUT"] = timedelta(seconds=-1)
    auth.sign_in(learner)
    response = client.get("/")
    assert response.status_code == 302
    assert db.session.scalar(select(func.count(UserSession.id))) == 0
    assert "without activity" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_a_remembered_session_has_no_idle_limit(app, client, learner):
    app.config["SESSION_IDLE_TIMEOUT"] = timedelta(seconds=-1)
    sign_in(client, learner, remember=True)
    assert client.get("/").status_code == 200


@pytest.mark.parametrize("remember", [False, True])
def test_every_session_has_an_absolute_end(app, client, learner, remember):
    sign_in(client, learner, remember)
    row = db.session.scalar(select(UserSession))
    lifetime = app.config["REMEMBER_COOKIE_DURATION" if remember else "SESSION_LIFETIME"]
    assert abs(row.expires_at - (row.created_at + lifetime)) < timedelta(seconds=5)
    row.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert client.get("/").status_code == 302


def test_sign_in_clears_the_anonymous_session(app, learner):
    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    client.get("/sign-in")
    with client.session_transaction() as session:
        anonymous_token = session["csrf_token"]
        session["planted"] = "by someone at the kiosk"
    client.post(
        "/sign-in",
        data={
            "email": learner.email,
            "password": "correct-horse-battery",
            "csrf_token": _token(client, "/sign-in"),
        },
    )
    client.get("/")
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session.get("csrf_token") != anonymous_token


def _token(client, path):
    import re

    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def test_expired_sessions_are_deleted_as_new_ones_begin(client, auth, learner):
    db.session.add(
        UserSession(user_id=learner.id, key_hash="x" * 64, expires_at=utcnow() - timedelta(1))
    )
    db.session.commit()
    auth.sign_in(learner)
    assert db.session.scalar(select(func.count(UserSession.id))) == 1
