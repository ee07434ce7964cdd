"""Signing a policy by a fresh single sign-on, for accounts that sign in only through the
identity provider: a real OpenID Connect provider (oidc-provider on loopback) and pysaml2's
IdP. The provider is asked for a forced sign-in (prompt=login and max_age=0; ForceAuthn);
the signature is recorded only for the same account and a fresh sign-in, with how it was
confirmed; another identity, a stale sign-in or a changed text signs nothing."""

import calendar
import html
import io
import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from pypdf import PdfReader
from servers import free_port
from sqlalchemy import func, select

from course.extensions import db
from course.models import AuditEvent, PolicySignature, Role, User
from course.models.types import utcnow
from course.services import clock, policies

from .conftest import CLIENT_ID, CLIENT_SECRET, running_provider, through_provider
from .saml_idp import IdentityProvider
from .test_oidc import callback_path, sign_in_through_provider

TEXT = "## Social media\n\nNever post anything about a patient.\n"


@pytest.fixture
def policy(app, make_user):
    admin = make_user(email="ada@example.org", name="Ada Admin", roles={Role.ADMIN})
    made = policies.create(admin.id, "Social media policy", TEXT, clock.today(), "")
    policies.publish(admin.id, made)
    db.session.commit()
    return made


def _signatures() -> list[PolicySignature]:
    return db.session.scalars(select(PolicySignature)).all()


def _form(policy, name="Nadia Nurse"):
    return {"text_hash": policies.text_hash(policy.current), "full_name": name, "agree": "y"}


def _nadia():
    return db.session.scalar(select(User).where(User.email == "nadia.nurse@example.org"))


def _confirm(client, policy, **form) -> str:
    """Press "Confirm with ..."; returns the provider's URL the app sends the browser to (by
    a page that moves on by itself: a redirect would break CSP form-action 'self')."""
    response = client.post(f"/policies/{policy.id}/confirm", data=_form(policy, **form))
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    page = response.get_data(as_text=True)
    link = html.unescape(re.search(r'id="provider-link" href="([^"]+)"', page)[1])
    assert f'<meta http-equiv="refresh" content="0;url={html.escape(link)}">' in page
    return link


def _refusal_audit() -> list[str]:
    return db.session.scalars(
        select(AuditEvent.summary).where(AuditEvent.action == "sso.refused")
    ).all()


# OpenID Connect ------------------------------------------------------------------------------


def test_an_sso_account_signs_by_a_fresh_forced_sign_in(client, oidc_app, policy):
    sign_in_through_provider(client, "nurse")  # the account: created, no password
    page = client.get(f"/policies/{policy.id}").get_data(as_text=True)
    assert "Confirm with St Example ID" in page
    assert 'name="password"' not in page
    location = _confirm(client, policy)
    query = parse_qs(urlsplit(location).query)
    assert query["prompt"] == ["login"]
    assert query["max_age"] == ["0"]
    back = client.get(callback_path(through_provider(location, "nurse")))
    assert back.status_code == 302
    assert back.headers["Location"].endswith("/policies")
    [signature] = _signatures()
    assert signature.user_id == _nadia().id
    assert signature.typed_name == "Nadia Nurse"
    assert signature.confirmed_by == "oidc"
    assert abs(signature.reauthenticated_at - utcnow()) < timedelta(minutes=2)
    assert signature.text_sha256 == policies.text_hash(policy.current)
    listed = client.get("/policies").get_data(as_text=True)
    assert "confirmed by signing in to St Example ID" in listed
    assert "confirmed by oidc sign-in" in db.session.scalar(
        select(AuditEvent.summary).where(AuditEvent.action == "policy.sign")
    )
    receipt = client.get(f"/policies/signatures/{signature.id}.pdf")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(receipt.data)).pages)
    assert "A fresh single sign-on (OpenID Connect), signed in at" in " ".join(text.split())


def test_the_typed_name_is_checked_before_leaving_for_the_provider(client, oidc_app, policy):
    sign_in_through_provider(client, "nurse")
    response = client.post(f"/policies/{policy.id}/confirm", data=_form(policy, name="Someone"))
    assert response.status_code == 422
    assert "Type your full name exactly as your account has it" in response.get_data(as_text=True)
    no_tick = {**_form(policy), "agree": ""}
    assert client.post(f"/policies/{policy.id}/confirm", data=no_tick).status_code == 422
    assert _signatures() == []


def test_another_identity_at_the_provider_signs_nothing(client, oidc_app, policy):
    sign_in_through_provider(client, "nurse")
    location = _confirm(client, policy)
    back = client.get(callback_path(through_provider(location, "boss")))  # Mo, not Nadia
    assert back.status_code == 302
    assert f"/policies/{policy.id}" in back.headers["Location"]
    assert _signatures() == []
    page = client.get(back.headers["Location"]).get_data(as_text=True)
    assert "confirmed another person, not you: nothing was signed" in page
    assert 'value="Nadia Nurse"' in page  # the typed name is kept for the next try
    assert any("another person" in s for s in _refusal_audit())
    assert client.get("/account").status_code == 200  # still Nadia, still signed in
    assert (
        db.session.scalar(select(func.count()).select_from(User).where(User.name == "Mo Manager"))
        == 0
    )


def test_a_stale_sign_in_signs_nothing(client, app, provider_installed, policy, tmp_path):
    """A provider whose clock says the person signed in 10 minutes ago (an old session)."""
    with running_provider(
        provider_installed,
        ["http://localhost/sso/oidc/callback"],
        tmp_path / "provider.log",
        CLOCK_OFFSET_SECONDS="-600",
    ) as discovery:
        app.config.update(
            OIDC_DISCOVERY_URL=discovery,
            OIDC_CLIENT_ID=CLIENT_ID,
            OIDC_CLIENT_SECRET=CLIENT_SECRET,
            SSO_NAME="St Example ID",
        )
        sign_in_through_provider(client, "nurse")
        location = _confirm(client, policy)
        back = client.get(callback_path(through_provider(location, "nurse")))
    assert back.status_code == 302
    assert _signatures() == []
    page = client.get(back.headers["Location"]).get_data(as_text=True)
    assert "was not a fresh one" in page
    assert any("not a fresh one" in s for s in _refusal_audit())


def test_a_version_published_during_the_trip_is_not_signed_unseen(
    client, oidc_app, policy, make_user
):
    sign_in_through_provider(client, "nurse")
    location = _confirm(client, policy)
    admin = db.session.scalar(select(User).where(User.email == "ada@example.org"))
    policies.start_draft(admin.id, policy)
    draft = policies.draft_of(policy)
    policies.save_draft(admin.id, policy, draft.title, draft.body_markdown + "\n- No photos.\n",
                        clock.today(), "A rule on photographs.")  # fmt: skip
    policies.publish(admin.id, policy)
    db.session.commit()
    back = client.get(callback_path(through_provider(location, "nurse")))
    assert _signatures() == []
    assert "nothing was signed" in client.get(back.headers["Location"]).get_data(as_text=True)


def test_an_answer_without_a_pending_signature_is_an_ordinary_sign_in(client, oidc_app, policy):
    """The pending entry is used once: the same provider answer replayed signs nothing more."""
    sign_in_through_provider(client, "nurse")
    location = _confirm(client, policy)
    callback = callback_path(through_provider(location, "nurse"))
    client.get(callback)
    assert len(_signatures()) == 1
    again = client.get(callback)  # replayed: Authlib's state is gone, refused
    assert again.status_code == 400
    assert len(_signatures()) == 1


def test_accounts_with_a_password_keep_the_password_form(client, oidc_app, policy, auth, make_user):
    person = make_user(email="pat@example.org", name="Pat Password")
    auth.sign_in(person)
    page = client.get(f"/policies/{policy.id}").get_data(as_text=True)
    assert 'name="password"' in page
    assert "Confirm with" not in page
    assert client.post(f"/policies/{policy.id}/confirm", data=_form(policy)).status_code == 404


# SAML ----------------------------------------------------------------------------------------


@pytest.fixture
def idp(app, client, tmp_path):
    provider = IdentityProvider(tmp_path, f"http://127.0.0.1:{free_port()}")
    app.config.update(SAML_IDP_METADATA=str(provider.metadata_path), SSO_NAME="St Example SAML")
    provider.trust(client.get("/sso/saml/metadata").get_data(as_text=True))
    return provider


def _saml_sign_in(client, idp):
    location = client.get("/sso/saml/start").headers["Location"]
    request_id, acs, sp = idp.read_request(parse_qs(urlsplit(location).query)["SAMLRequest"][0])
    assert client.post("/sso/saml/acs", data={"SAMLResponse": idp.answer(request_id, acs, sp)})


def _saml_confirm(client, idp, policy):
    location = _confirm(client, policy)
    saml_request = parse_qs(urlsplit(location).query)["SAMLRequest"][0]
    parsed = idp.server.parse_authn_request(
        saml_request, "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
    ).message
    assert parsed.force_authn == "true"
    return parsed.id, parsed.assertion_consumer_service_url, parsed.issuer.text


def test_saml_signs_with_a_forced_fresh_sign_in(client, idp, policy):
    _saml_sign_in(client, idp)
    assert "Confirm with St Example SAML" in client.get(f"/policies/{policy.id}").get_data(
        as_text=True
    )
    request_id, acs, sp = _saml_confirm(client, idp, policy)
    back = client.post("/sso/saml/acs", data={"SAMLResponse": idp.answer(request_id, acs, sp)})
    assert back.status_code == 302
    [signature] = _signatures()
    assert signature.confirmed_by == "saml"
    assert signature.user_id == _nadia().id
    assert abs(signature.reauthenticated_at - utcnow()) < timedelta(minutes=2)


def test_saml_refuses_a_stale_authn_instant(client, idp, policy):
    _saml_sign_in(client, idp)
    request_id, acs, sp = _saml_confirm(client, idp, policy)
    old = calendar.timegm((utcnow() - timedelta(minutes=10)).timetuple())
    answer = idp.answer(request_id, acs, sp, authn_instant=old)
    back = client.post("/sso/saml/acs", data={"SAMLResponse": answer})
    assert back.status_code == 302
    assert _signatures() == []
    assert "was not a fresh one" in client.get(back.headers["Location"]).get_data(as_text=True)


def test_saml_refuses_another_person(client, idp, policy):
    _saml_sign_in(client, idp)
    request_id, acs, sp = _saml_confirm(client, idp, policy)
    answer = idp.answer(request_id, acs, sp, person="other")
    back = client.post("/sso/saml/acs", data={"SAMLResponse": answer})
    assert back.status_code == 302
    assert _signatures() == []
    assert "another person" in client.get(back.headers["Location"]).get_data(as_text=True)
