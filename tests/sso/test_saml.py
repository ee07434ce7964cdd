"""SAML 2.0 against pysaml2's own IdP (a key of its own, signatures checked with xmlsec1):
a signed answer signs the person in; a tampered, unsigned, expired, replayed, unsolicited or
wrong-audience one is refused with a clear page and an audit line, never a 500."""

import base64
from urllib.parse import parse_qs, urlsplit

import pytest
from servers import free_port
from sqlalchemy import func, select

from course.extensions import db
from course.models import AuditEvent, SeenAssertion, User, UserSession

from .saml_idp import IdentityProvider

ACS = "http://localhost/sso/saml/acs"


@pytest.fixture
def idp(app, client, tmp_path):
    provider = IdentityProvider(tmp_path, f"http://127.0.0.1:{free_port()}")
    app.config.update(SAML_IDP_METADATA=str(provider.metadata_path), SSO_NAME="St Example SAML")
    provider.trust(client.get("/sso/saml/metadata").get_data(as_text=True))
    return provider


def asked(client, idp, next_path: str = "") -> tuple[str, str, str]:
    """The app's request, as the IdP reads it: (id, ACS URL, SP entity id)."""
    response = client.get("/sso/saml/start" + (f"?next={next_path}" if next_path else ""))
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith(idp.base_url + "/sso/redirect?")
    return idp.read_request(parse_qs(urlsplit(location).query)["SAMLRequest"][0])


def post_answer(client, answer: str):
    return client.post("/sso/saml/acs", data={"SAMLResponse": answer})


def refusals() -> list[str]:
    return db.session.scalars(
        select(AuditEvent.summary).where(
            AuditEvent.action == "sso.refused", AuditEvent.subject == "saml"
        )
    ).all()


def signed_in() -> bool:
    return db.session.scalar(select(func.count()).select_from(UserSession)) > 0


def test_the_sp_metadata_names_this_app_and_its_acs(client, idp):
    response = client.get("/sso/saml/metadata")
    assert response.mimetype == "application/samlmetadata+xml"
    xml = response.get_data(as_text=True)
    assert 'entityID="http://localhost/sso/saml/metadata"' in xml
    assert f'Location="{ACS}"' in xml
    assert 'WantAssertionsSigned="true"' in xml


def test_a_signed_answer_signs_the_person_in_and_creates_the_account(client, idp):
    request_id, acs, sp = asked(client, idp, "/account")
    assert acs == ACS
    response = post_answer(client, idp.answer(request_id, acs, sp))
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/account")
    user = db.session.scalar(select(User).where(User.email == "nadia.nurse@example.org"))
    assert user.name == "Nadia Nurse"
    assert user.department.name == "Cardiology Ward"
    assert client.get("/account").status_code == 200
    assert db.session.scalar(select(func.count()).select_from(SeenAssertion)) == 1
    assert (
        db.session.scalar(select(AuditEvent.summary).where(AuditEvent.action == "user.sso_sign_in"))
        == "created through saml"
    )


def refused(client, answer: str, words: str) -> None:
    response = post_answer(client, answer)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Sign-in refused" in page
    assert words.lower() in page.lower(), page
    assert refusals()
    assert not signed_in()


def test_an_unsigned_assertion_is_refused(client, idp):
    request_id, acs, sp = asked(client, idp)
    refused(client, idp.answer(request_id, acs, sp, sign_assertion=False), "not signed")


def test_a_tampered_assertion_is_refused(client, idp):
    request_id, acs, sp = asked(client, idp)
    xml = base64.b64decode(idp.answer(request_id, acs, sp)).decode()
    assert "Cardiology Ward" in xml
    forged = xml.replace("Cardiology Ward", "Executive Suite")
    refused(client, base64.b64encode(forged.encode()).decode(), "may have been altered")


def test_an_expired_assertion_is_refused(client, idp):
    idp.lifetime_minutes = -10  # its NotOnOrAfter is ten minutes gone
    idp.trust(client.get("/sso/saml/metadata").get_data(as_text=True))
    request_id, acs, sp = asked(client, idp)
    refused(client, idp.answer(request_id, acs, sp), "outside its validity window")


def test_an_assertion_for_another_service_is_refused(client, idp):
    request_id, acs, sp = asked(client, idp)
    answer = idp.answer(request_id, acs, sp, audience="https://other.example.org/sp")
    refused(client, answer, "meant for another service")


def test_a_replayed_answer_is_refused(app, client, idp):
    request_id, acs, sp = asked(client, idp)
    answer = idp.answer(request_id, acs, sp)
    assert post_answer(client, answer).status_code == 302
    client.post("/sign-out")
    db.session.execute(db.delete(UserSession))
    db.session.commit()
    thief = app.test_client()
    asked(thief, idp)  # even with a request of its own waiting
    refused(thief, answer, "used already (a replay)")


def test_an_unsolicited_answer_is_refused(client, idp):
    refused(client, idp.answer("_never-asked", ACS, "http://localhost/sso/saml/metadata"),
            "Unsolicited")  # fmt: skip


@pytest.mark.parametrize("junk", ["", "not base64 at all!", base64.b64encode(b"<x/>").decode()])
def test_junk_is_refused_not_a_500(client, idp, junk):
    response = post_answer(client, junk)
    assert response.status_code == 400
    assert "Sign-in refused" in response.get_data(as_text=True)


def test_without_settings_the_saml_routes_do_not_exist(client):
    assert client.get("/sso/saml/metadata").status_code == 404
    assert client.get("/sso/saml/start").status_code == 404
    assert client.post("/sso/saml/acs").status_code == 404


def test_the_sign_in_page_offers_saml(client, idp):
    page = client.get("/sign-in").get_data(as_text=True)
    assert 'href="/sso/saml/start"' in page
    assert "Sign in with St Example SAML" in page
