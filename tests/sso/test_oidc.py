"""OpenID Connect against a real provider on loopback (oidc-provider by node): the code flow
with PKCE, state and nonce checked, the ID token verified; accounts created just in time,
matched by email or employee id, kept up to date from the claims with audit lines; a refused
answer gets a clear page and an audit line, never a 500."""

from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import func, select

from course.extensions import db
from course.models import AuditEvent, Role, User, UserSession

from .conftest import through_provider


def start(client, next_path: str = "") -> str:
    response = client.get("/sso/oidc/start" + (f"?next={next_path}" if next_path else ""))
    assert response.status_code == 302
    return response.headers["Location"]


def callback_path(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def sign_in_through_provider(client, login: str, next_path: str = ""):
    back = through_provider(start(client, next_path), login)
    return client.get(callback_path(back))


def user_by_email(email):
    return db.session.scalar(select(User).where(User.email == email))


def refusals() -> list[AuditEvent]:
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == "sso.refused")).all()


def test_the_request_uses_pkce_state_and_nonce(client, oidc_app):
    query = parse_qs(urlsplit(start(client)).query)
    assert query["response_type"] == ["code"]
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["code_challenge"][0]) >= 43
    assert query["state"][0]
    assert query["nonce"][0]
    assert query["redirect_uri"] == ["http://localhost/sso/oidc/callback"]
    assert "openid" in query["scope"][0].split()


def test_a_first_sign_in_creates_the_account_from_the_claims(client, oidc_app):
    response = sign_in_through_provider(client, "nurse")
    assert response.status_code == 302
    user = user_by_email("nadia.nurse@example.org")
    assert user.name == "Nadia Nurse"
    assert user.department.name == "Cardiology Ward"
    assert user.roles == {Role.LEARNER}
    assert user.password_hash == "!"  # no password signs in to it
    assert client.get("/account").status_code == 200
    assert db.session.scalar(select(func.count()).select_from(UserSession)) == 1
    actions = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.subject == f"user:{user.id}")
    ).all()
    assert "user.create" in actions
    assert "user.sso_sign_in" in actions
    # No password works for it, not even an empty one.
    other = oidc_app.test_client()
    refused = other.post("/sign-in", data={"email": user.email, "password": "!"})
    assert refused.status_code == 200
    assert "do not match" in refused.get_data(as_text=True)


def test_an_existing_account_is_matched_by_email_and_updated_with_audit_lines(
    client, oidc_app, make_user
):
    existing = make_user(email="nadia.nurse@example.org", name="N. Nurse", department="Ward A")
    oidc_app.config["SSO_GROUP_ROLES"] = "cardio-managers=manager:Cardiology Ward; staff=learner"
    sign_in_through_provider(client, "nurse")
    db.session.expire_all()
    user = db.session.get(User, existing.id)
    assert user.name == "Nadia Nurse"
    assert user.department.name == "Cardiology Ward"
    events = db.session.execute(
        select(AuditEvent.action, AuditEvent.summary).where(AuditEvent.subject == f"user:{user.id}")
    ).all()
    assert ("user.update", "name 'N. Nurse' to 'Nadia Nurse'; employee id none to E100") in events
    assert ("user.department", "Ward A to Cardiology Ward") in events
    assert ("user.sso_sign_in", "through oidc; changed: details, department") in events


def test_a_group_claim_makes_a_manager_of_a_department(client, oidc_app):
    oidc_app.config["SSO_GROUP_ROLES"] = "cardio-managers=manager:Cardiology Ward"
    response = sign_in_through_provider(client, "boss")
    assert response.headers["Location"].endswith("/reports/")
    user = user_by_email("mo.manager@example.org")
    assert user.roles == {Role.LEARNER, Role.MANAGER}
    assert [d.name for d in user.managed_departments] == ["Cardiology Ward"]
    # The provider drops the group: the next sign-in takes the role away, with an audit line.
    oidc_app.config["SSO_GROUP_ROLES"] = "other-group=manager:Cardiology Ward"
    client.post("/sign-out")
    sign_in_through_provider(client, "boss")
    db.session.expire_all()
    assert user_by_email("mo.manager@example.org").roles == {Role.LEARNER}
    assert (
        db.session.scalar(select(AuditEvent.summary).where(AuditEvent.action == "user.roles"))
        == "learner, manager to learner"
    )


def test_matching_by_employee_id_follows_a_changed_email(client, oidc_app, make_user):
    oidc_app.config["SSO_MATCH_BY"] = "employee_id"
    existing = make_user(email="old.address@example.org", name="Nadia Nurse")
    existing.employee_id = "E100"
    db.session.commit()
    sign_in_through_provider(client, "nurse")
    db.session.expire_all()
    assert db.session.get(User, existing.id).email == "nadia.nurse@example.org"
    assert db.session.scalar(select(func.count()).select_from(User)) == 1


def test_without_just_in_time_creation_an_unknown_person_is_refused(client, oidc_app):
    oidc_app.config["SSO_CREATE_ACCOUNTS"] = False
    response = sign_in_through_provider(client, "nurse")
    assert response.status_code == 403
    assert "You have no account here yet" in response.get_data(as_text=True)
    assert user_by_email("nadia.nurse@example.org") is None
    assert refusals()


def test_a_deactivated_account_is_refused(client, oidc_app, make_user):
    person = make_user(email="nadia.nurse@example.org")
    person.active = False
    db.session.commit()
    response = sign_in_through_provider(client, "nurse")
    assert response.status_code == 403
    assert "deactivated" in response.get_data(as_text=True)


def test_claims_without_an_email_are_refused_with_a_clear_page(client, oidc_app):
    response = sign_in_through_provider(client, "nomail")
    assert response.status_code == 403
    assert "sent no email address" in response.get_data(as_text=True)


def test_a_wrong_state_is_refused_with_a_page_and_an_audit_line(client, oidc_app):
    back = through_provider(start(client), "nurse")
    forged = callback_path(back).replace("state=", "state=forged")
    response = client.get(forged)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Sign-in refused" in page
    assert "state" in page.lower()
    assert refusals()
    assert db.session.scalar(select(func.count()).select_from(UserSession)) == 0


def test_a_wrong_nonce_is_refused(client, oidc_app):
    back = through_provider(start(client), "nurse")
    with client.session_transaction() as stored:
        for key, value in stored.items():
            if key.startswith("_state_"):
                value["data"]["nonce"] = "not-the-nonce-sent"
                stored[key] = value
    response = client.get(callback_path(back))
    assert response.status_code == 400
    assert "nonce" in response.get_data(as_text=True).lower()
    assert user_by_email("nadia.nurse@example.org") is None
    assert refusals()


def test_a_replayed_answer_is_refused(client, oidc_app):
    back = callback_path(through_provider(start(client), "nurse"))
    assert client.get(back).status_code == 302
    client.post("/sign-out")
    replayed = client.get(back)
    assert replayed.status_code == 400
    assert len(refusals()) == 1


def test_an_error_from_the_provider_is_shown_not_a_500(client, oidc_app):
    response = client.get("/sso/oidc/callback?error=access_denied&error_description=No+way")
    assert response.status_code == 400
    assert "access_denied" in response.get_data(as_text=True)


def test_without_settings_the_sso_routes_do_not_exist(client):
    assert client.get("/sso/oidc/start").status_code == 404
    assert client.get("/sso/oidc/callback?code=x&state=y").status_code == 404


def test_the_sign_in_page_offers_the_provider(client, oidc_app):
    page = client.get("/sign-in").get_data(as_text=True)
    assert "Sign in with St Example ID" in page
    assert 'href="/sso/oidc/start"' in page


@pytest.mark.parametrize("local", [True, False])
def test_local_passwords_off_leaves_only_the_break_glass_admin(client, oidc_app, make_user, local):
    oidc_app.config.update(LOCAL_PASSWORDS=local, BREAK_GLASS_ADMIN="glass@example.org")
    learner = make_user(email="nurse@example.org")
    glass = make_user(email="glass@example.org", roles={Role.ADMIN})
    response = client.post(
        "/sign-in", data={"email": learner.email, "password": "correct-horse-battery"}
    )
    if local:
        assert response.status_code == 302
        client.post("/sign-out")
    else:
        assert response.status_code == 403
        assert "Sign in with St Example ID" in response.get_data(as_text=True)
        assert db.session.scalar(select(func.count()).select_from(UserSession)) == 0
    assert (
        client.post(
            "/sign-in", data={"email": glass.email, "password": "correct-horse-battery"}
        ).status_code
        == 302
    )
