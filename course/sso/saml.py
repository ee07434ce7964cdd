"""SAML 2.0 service provider with pysaml2 (which verifies signatures with Debian's xmlsec1).

What an answer must be to sign a person in: signed assertions (`want_assertions_signed`),
for this app (audience = our entity id), sent to our assertion consumer service (recipient
and destination), inside its time window (`SAML_CLOCK_SKEW` seconds of slack), in response
to a request this app made and has not seen answered (`SamlRequest` rows: no unsolicited
answers), and never seen before (`SeenAssertion`: its id is refused until it expires).
"""

import base64
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import current_app
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.client import Saml2Client
from saml2.config import SPConfig
from saml2.metadata import create_metadata_string
from saml2.saml import NAMEID_FORMAT_UNSPECIFIED
from sqlalchemy import delete, select

from ..extensions import db
from ..models import SamlRequest, SeenAssertion
from ..models.types import utcnow
from ..security import external_url

#: How long a request waits for its answer.
REQUEST_LIFETIME = timedelta(minutes=15)
#: How long an accepted assertion's id is kept when it names no end.
SEEN_FOR = timedelta(hours=24)


class SamlRefusal(Exception):  # noqa: N818 (an outcome shown to the person)
    """An answer that failed a check; the message says which."""


def configured() -> bool:
    return bool(current_app.config["SAML_IDP_METADATA"])


def entity_id() -> str:
    return current_app.config["SAML_SP_ENTITY_ID"] or external_url("sso.saml_metadata")


def _config(with_idp: bool = True) -> SPConfig:
    settings = current_app.config
    source = settings["SAML_IDP_METADATA"]
    metadata = {}
    if with_idp:
        if source.startswith(("https://", "http://")):
            metadata = {"remote": [{"url": source}]}
        else:
            metadata = {"local": [source]}
    config = SPConfig()
    config.load(
        {
            "entityid": entity_id(),
            "service": {
                "sp": {
                    "endpoints": {
                        "assertion_consumer_service": [
                            (external_url("sso.saml_acs"), BINDING_HTTP_POST)
                        ]
                    },
                    "allow_unsolicited": False,
                    "authn_requests_signed": False,
                    "want_assertions_signed": True,
                    "want_response_signed": False,
                    "name_id_format": [NAMEID_FORMAT_UNSPECIFIED],
                }
            },
            "metadata": metadata,
            "allow_unknown_attributes": True,
            "accepted_time_diff": int(settings["SAML_CLOCK_SKEW"]),
        }
    )
    return config


def sp_metadata() -> str:
    """This app's SP metadata (entity id, assertion consumer service), for the IdP."""
    return create_metadata_string(None, config=_config(with_idp=False)).decode()


def start(next_path: str, force_authn: bool = False) -> tuple[str, str]:
    """A new request to the identity provider; returns (its id, the URL to send the browser
    to). `force_authn` asks the provider to make the person sign in again
    (ForceAuthn="true"), whatever session it holds."""
    client = Saml2Client(config=_config())
    idps = list(client.metadata.identity_providers())
    if len(idps) != 1:
        raise SamlRefusal(f"SAML_IDP_METADATA names {len(idps)} identity providers, not one.")
    extra = {"force_authn": "true"} if force_authn else {}
    request_id, info = client.prepare_for_authenticate(
        entityid=idps[0], binding=BINDING_HTTP_REDIRECT, **extra
    )
    now = utcnow()
    db.session.execute(delete(SamlRequest).where(SamlRequest.created_at < now - REQUEST_LIFETIME))
    db.session.add(SamlRequest(id=request_id, next=next_path[:500], created_at=now))
    db.session.flush()
    return request_id, dict(info["headers"])["Location"]


#: What pysaml2's refusals mean, for the page (the technical text follows in brackets).
_MEANINGS = (
    ("Signature", "The assertion is not signed, or its signature does not match: it may "
     "have been altered."),
    ("Unsolicited", "This answer does not respond to a sign-in started here, or it was used "
     "already (a replay)."),
    ("AudienceRestriction", "The assertion is meant for another service, not this one."),
    ("Condition not OK", "The assertion is outside its validity window (expired or not yet "
     "valid)."),
    ("LifetimeExceed", "The assertion has expired."),
    ("ToEarly", "The assertion is not valid yet."),
    ("destination", "The answer was sent to another address than this app's."),
)  # fmt: skip


def _in_words(error: Exception) -> str:
    technical = f"{type(error).__name__}: {error}"[:300]
    for mark, meaning in _MEANINGS:
        if mark.lower() in technical.lower():
            return f"{meaning} ({technical})"
    return f"The answer failed its checks ({technical})."


@dataclass(frozen=True)
class Answer:
    claims: dict
    next_path: str
    #: The id of the request this answers.
    request_id: str = ""
    #: When the provider says the person signed in (AuthnInstant), naive UTC; None if unsaid.
    authn_instant: datetime | None = None


def accept(saml_response: str) -> Answer:
    """Check an answer posted to the assertion consumer service; raises SamlRefusal."""
    if not saml_response or len(saml_response) > 200_000:
        raise SamlRefusal("No SAML answer was sent.")
    try:
        base64.b64decode(saml_response, validate=True)
    except ValueError:
        raise SamlRefusal("The SAML answer is not base64.") from None
    now = utcnow()
    outstanding = dict(
        db.session.execute(
            select(SamlRequest.id, SamlRequest.next).where(
                SamlRequest.created_at >= now - REQUEST_LIFETIME
            )
        ).all()
    )
    client = Saml2Client(config=_config())
    try:
        response = client.parse_authn_request_response(
            saml_response, BINDING_HTTP_POST, outstanding=outstanding
        )
    except Exception as error:  # pysaml2 raises bare Exception for some checks (audience)
        raise SamlRefusal(_in_words(error)) from None
    if response is None or response.assertion is None:
        raise SamlRefusal("The answer carried no assertion this app accepts.")
    assertion_id = response.assertion.id
    if db.session.get(SeenAssertion, assertion_id) is not None:
        raise SamlRefusal(f"Replayed assertion {assertion_id}: it was used before.")
    db.session.execute(delete(SeenAssertion).where(SeenAssertion.expires_at < now))
    db.session.add(SeenAssertion(id=assertion_id, expires_at=now + SEEN_FOR))
    next_path = outstanding.get(response.in_response_to, "")
    db.session.execute(delete(SamlRequest).where(SamlRequest.id == response.in_response_to))
    claims = {name: values for name, values in response.get_identity().items()}
    if response.name_id is not None and response.name_id.text:
        claims.setdefault("name_id", response.name_id.text)
    return Answer(claims, next_path, response.in_response_to or "", _authn_instant(response))


def _authn_instant(response) -> datetime | None:
    """The assertion's AuthnInstant as naive UTC, or None when it has none."""
    statements = response.assertion.authn_statement or []
    text = statements[0].authn_instant if statements else None
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment
