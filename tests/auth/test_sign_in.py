"""Signing in and out, and the security settings around it."""

import pytest

from course import config
from course.extensions import db
from course.models import Role, UserRole
from course.services import accounts
from course.services.accounts import GENERIC_FAILURE


def test_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")


def test_sign_in_and_out(client, auth, learner):
    response = auth.sign_in(learner)
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    assert auth.sign_out().status_code == 302
    assert client.get("/").status_code == 302


def test_a_deactivated_account_is_signed_out_at_its_next_request(client, auth, learner):
    auth.sign_in(learner)
    assert client.get("/").status_code == 200
    learner.active = False
    db.session.commit()
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")


def test_a_new_password_signs_the_account_out_of_every_other_session(
    client, auth, learner, make_user, browser_of
):
    admin = make_user(roles={Role.ADMIN})
    auth.sign_in(learner)
    admin_client = browser_of(admin)
    accounts.reset_password(learner.id, "a-brand-new-password", actor_id=admin.id)
    db.session.commit()
    assert client.get("/").headers["Location"].startswith("/sign-in")
    assert admin_client.get("/").status_code == 200  # others' sessions are untouched
    assert auth.sign_in(learner, "a-brand-new-password").status_code == 302
    assert client.get("/").status_code == 200


def test_role_changes_apply_at_the_next_request(client, auth, make_user):
    person = make_user()
    auth.sign_in(person)
    assert client.get("/reports/").status_code == 403
    db.session.add(UserRole(user_id=person.id, role=Role.MANAGER))
    db.session.commit()
    assert client.get("/reports/").status_code == 200


def test_email_is_case_insensitive(client, auth, learner):
    assert auth.sign_in(learner.email.upper()).status_code == 302


@pytest.mark.parametrize(
    ("email", "password"),
    [("nurse@example.org", "wrong-password"), ("nobody@example.org", "correct-horse-battery")],
)
def test_failed_sign_in_has_one_generic_message_and_keeps_the_email(
    client, learner, email, password
):
    response = client.post("/sign-in", data={"email": email, "password": password})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert GENERIC_FAILURE.replace("'", "&#39;") in page
    assert f'value="{email}"' in page


def test_empty_form_explains_each_field(client):
    page = client.post("/sign-in", data={}).get_data(as_text=True)
    assert "Enter your email address." in page
    assert "Enter your password." in page


@pytest.mark.parametrize(
    "target",
    ["https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)", " /x"],
)
def test_next_never_leaves_the_site(client, learner, target):
    response = client.post(
        "/sign-in",
        data={"email": learner.email, "password": "correct-horse-battery", "next": target},
    )
    assert response.headers["Location"] == "/"


def test_next_within_the_site_is_followed(client, learner):
    response = client.post(
        "/sign-in",
        data={"email": learner.email, "password": "correct-horse-battery", "next": "/modules/x"},
    )
    assert response.headers["Location"] == "/modules/x"


def test_sign_out_needs_a_post(client, auth, learner):
    auth.sign_in(learner)
    assert client.get("/sign-out").status_code == 405


def test_session_cookie_is_httponly_and_lax(client, auth, learner):
    auth.sign_in(learner)
    cookie = client.get_cookie("session")
    assert cookie.http_only
    assert cookie.same_site == "Lax"


def test_forms_are_refused_without_a_csrf_token(app, learner):
    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    response = client.post(
        "/sign-in", data={"email": learner.email, "password": "correct-horse-battery"}
    )
    assert response.status_code == 400
    assert "nothing in it was saved" in response.get_data(as_text=True)


def test_secret_key_is_generated_once_into_the_instance_folder(tmp_path):
    first = config.instance_secret_key(str(tmp_path))
    assert len(first) == 64
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    assert config.instance_secret_key(str(tmp_path)) == first


def test_security_headers(client):
    response = client.get("/sign-in")
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
