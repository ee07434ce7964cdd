"""The JSON API: token auth (hashed, revocable, expiring), scope, pagination, bad input."""

from datetime import timedelta

import pytest
from reports.helpers import assign, complete
from sqlalchemy import select

from course.extensions import db
from course.models import ApiToken, Role
from course.services import accounts, tokens


@pytest.fixture
def ward(curriculum, make_user):
    manager = make_user(email="maya@example.org", roles={Role.MANAGER, Role.LEARNER})
    other = make_user(email="otto@example.org", roles={Role.MANAGER}, department="Ward B")
    accounts.set_manager(manager.email, ["Ward A"])
    accounts.set_manager(other.email, ["Ward B"])
    learner = make_user(email="sofia@example.org", name="Sofía Álvarez")
    assign(manager)
    complete(learner.id)
    return manager, other, learner


def _get(client, token, query=""):
    return client.get(f"/api/v1/report{query}", headers={"Authorization": f"Bearer {token}"})


def test_token_reads_the_managers_report_as_json(ward, client):
    manager, _other, _learner = ward
    raw, token = tokens.create(manager, "HR system")
    assert raw not in token.token_hash
    assert len(token.token_hash) == 64
    body = _get(client, raw, "?per_page=1").get_json()
    assert body["total"] == 2
    assert body["pages"] == 2
    assert body["next"].endswith("page=2&per_page=1") or "page=2" in body["next"]
    everything = _get(client, raw, "?status=completed").get_json()
    [row] = everything["items"]
    assert row["learner"] == "Sofía Álvarez"
    assert row["status"] == "completed"
    assert row["score"] == 100
    assert db.session.get(ApiToken, token.id).last_used_at is not None


def test_other_departments_manager_sees_none_of_it(ward, client):
    _manager, other, learner = ward
    raw, _ = tokens.create(other, "other")
    body = _get(client, raw).get_json()
    assert body["total"] == 0
    assert _get(client, raw, f"?department={learner.department_id}").status_code == 400


@pytest.mark.parametrize("header", [None, "Bearer", "Bearer nonsense", "Basic abc"])
def test_missing_or_unknown_tokens_get_401(ward, client, header):
    headers = {"Authorization": header} if header else {}
    response = client.get("/api/v1/report", headers=headers)
    assert response.status_code == 401
    assert response.get_json()["error"]
    assert "Bearer" in response.headers["WWW-Authenticate"]


def test_revoked_and_expired_tokens_get_401(ward, client):
    manager = ward[0]
    raw, token = tokens.create(manager, "old")
    assert tokens.revoke(manager, token.id)
    assert "revoked" in _get(client, raw).get_json()["error"]
    raw, token = tokens.create(manager, "ancient")
    token.created_at -= tokens.LIFETIME + timedelta(days=1)
    db.session.commit()
    assert "expired" in _get(client, raw).get_json()["error"]


def test_a_learners_session_cookie_does_not_open_the_api(ward, client, auth):
    auth.sign_in(ward[2])
    assert client.get("/api/v1/report").status_code == 401


@pytest.mark.parametrize(
    ("query", "status"),
    [("?page=9", 404), ("?status=nope", 400), ("?due_from=2027-02-30", 400), ("?per_page=0", 400)],
)
def test_bad_parameters_get_a_4xx_with_a_message(ward, client, query, status):
    raw, _ = tokens.create(ward[0], "x")
    response = _get(client, raw, query)
    assert response.status_code == status
    assert response.get_json()["error"]


def test_tokens_are_made_and_revoked_on_the_profile_page(ward, client, auth):
    manager, other, _ = ward
    auth.sign_in(manager)
    response = client.post("/reports/profile/tokens", data={"name": "HR system"})
    assert response.status_code == 201
    page = response.get_data(as_text=True)
    token = db.session.scalar(select(ApiToken))
    raw = page.split('id="new-token" readonly value="')[1].split('"')[0]
    assert raw.startswith(token.prefix)
    assert _get(client, raw).status_code == 200
    assert client.get("/reports/profile").get_data(as_text=True).count(raw) == 0
    assert client.post("/reports/profile/tokens", data={"name": ""}).status_code == 422
    auth.sign_out()
    auth.sign_in(other)  # another manager cannot revoke it by URL
    assert client.post(f"/reports/profile/tokens/{token.id}/revoke").status_code == 404
    auth.sign_out()
    auth.sign_in(manager)
    assert client.post(f"/reports/profile/tokens/{token.id}/revoke").status_code == 302
    assert _get(client, raw).status_code == 401


def test_the_next_link_is_built_on_the_configured_address_not_the_host_header(app, ward, client):
    app.config["EXTERNAL_URL"] = "https://training.example.org"
    manager, _other, _learner = ward
    raw, _ = tokens.create(manager, "HR system")
    response = client.get(
        "/api/v1/report?per_page=1",
        headers={"Authorization": f"Bearer {raw}", "Host": "evil.example"},
    )
    assert response.get_json()["next"].startswith("https://training.example.org/api/v1/")


def test_tokens_end_when_their_owners_password_is_reset(ward, client, make_user):
    from course.services import accounts

    manager, _other, _learner = ward
    admin = make_user(roles={Role.ADMIN})
    raw, _ = tokens.create(manager, "HR system")
    assert _get(client, raw).status_code == 200
    accounts.reset_password(manager.id, "violet-kettle-harbour", actor_id=admin.id)
    db.session.commit()
    response = _get(client, raw)
    assert response.status_code == 401
    assert "revoked" in response.get_json()["error"]
