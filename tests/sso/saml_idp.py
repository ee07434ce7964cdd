"""A SAML 2.0 identity provider built from pysaml2's own IdP (`saml2.server.Server`), with a
signing key made for the test, and a small web front (a login page, then a form that posts
the signed answer back) for the browser journey."""

import base64
import datetime
import html
import threading
from pathlib import Path
from urllib.parse import parse_qs

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.config import IdPConfig
from saml2.metadata import create_metadata_string
from saml2.saml import NAME_FORMAT_UNSPECIFIED, NAMEID_FORMAT_EMAILADDRESS, NameID
from saml2.server import Server
from werkzeug.serving import make_server

AUTHN = {"class_ref": "urn:oasis:names:tc:SAML:2.0:ac:classes:Password"}

#: The provider's people and their attributes (SAML attribute values are lists).
PEOPLE = {
    "nurse": {
        "email": ["nadia.nurse@example.org"],
        "name": ["Nadia Nurse"],
        "department": ["Cardiology Ward"],
        "employee_id": ["E100"],
        "groups": ["staff"],
    },
    "other": {
        "email": ["olga.other@example.org"],
        "name": ["Olga Other"],
        "department": ["Cardiology Ward"],
        "employee_id": ["E300"],
        "groups": ["staff"],
    },
}


def make_key_pair(directory: Path, name: str = "idp") -> tuple[Path, Path]:
    """A fresh RSA key and a self-signed certificate for it, as PEM files."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"test {name}")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    key_path, cert_path = directory / f"{name}.key", directory / f"{name}.crt"
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        )
    )
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return key_path, cert_path


class IdentityProvider:
    """pysaml2's IdP with its own key; `metadata_path` is what the app's SAML_IDP_METADATA
    names. Call `trust(sp_metadata)` once the app's SP metadata is known."""

    def __init__(self, directory: Path, base_url: str, lifetime_minutes: int = 15):
        self.base_url = base_url
        self.entity_id = f"{base_url}/idp"
        self.key, self.cert = make_key_pair(directory)
        self.directory = directory
        self.lifetime_minutes = lifetime_minutes
        self.metadata_path = directory / "idp-metadata.xml"
        self.metadata_path.write_bytes(create_metadata_string(None, config=self._config(None)))
        self.server: Server | None = None

    def _config(self, sp_metadata: str | None) -> IdPConfig:
        config = IdPConfig()
        config.load(
            {
                "entityid": self.entity_id,
                "service": {
                    "idp": {
                        "endpoints": {
                            "single_sign_on_service": [
                                (f"{self.base_url}/sso/redirect", BINDING_HTTP_REDIRECT)
                            ]
                        },
                        "policy": {
                            "default": {
                                "lifetime": {"minutes": self.lifetime_minutes},
                                "attribute_restrictions": None,
                                "name_form": NAME_FORMAT_UNSPECIFIED,
                            }
                        },
                        "name_id_format": [NAMEID_FORMAT_EMAILADDRESS],
                    }
                },
                "key_file": str(self.key),
                "cert_file": str(self.cert),
                "metadata": {"inline": [sp_metadata]} if sp_metadata else {},
            }
        )
        return config

    def trust(self, sp_metadata: str) -> None:
        self.server = Server(config=self._config(sp_metadata))

    def read_request(self, saml_request: str):
        """(request id, assertion consumer service URL, SP entity id) of a redirect request."""
        request = self.server.parse_authn_request(saml_request, BINDING_HTTP_REDIRECT).message
        return request.id, request.assertion_consumer_service_url, request.issuer.text

    def answer(
        self,
        request_id: str,
        acs: str,
        sp_entity_id: str,
        person: str = "nurse",
        sign_assertion: bool = True,
        audience: str | None = None,
        authn_instant: int | None = None,
    ) -> str:
        """A SAMLResponse (base64) for a person, signed unless told not to; `audience` other
        than the SP's makes one meant for another service; `authn_instant` (seconds since
        1970) says when the person signed in (default: now)."""
        attributes = PEOPLE[person]
        response = self.server.create_authn_response(
            identity=attributes,
            in_response_to=request_id,
            destination=acs,
            sp_entity_id=audience or sp_entity_id,
            name_id=NameID(format=NAMEID_FORMAT_EMAILADDRESS, text=attributes["email"][0]),
            authn={**AUTHN, "authn_instant": authn_instant} if authn_instant else AUTHN,
            sign_assertion=sign_assertion,
            sign_response=False,
        )
        return base64.b64encode(str(response).encode()).decode()

    # The web front, for Chromium ------------------------------------------------------------

    def wsgi(self, environ, start_response):
        query = parse_qs(environ.get("QUERY_STRING", ""))
        if environ["PATH_INFO"] == "/sso/redirect":
            request_id, acs, sp = self.read_request(query["SAMLRequest"][0])
            fields = "".join(
                f'<input type="hidden" name="{k}" value="{html.escape(v)}">'
                for k, v in (("id", request_id), ("acs", acs), ("sp", sp))
            )
            body = (
                "<!doctype html><title>Test IdP sign-in</title><h1>Test IdP</h1>"
                '<form method="post" action="/login">' + fields + "<label>User name <input "
                'name="username"></label><label>Password <input type="password" '
                'name="password"></label><button type="submit">Sign in</button></form>'
            )
        elif environ["PATH_INFO"] == "/login":
            size = int(environ.get("CONTENT_LENGTH") or 0)
            form = {k: v[0] for k, v in parse_qs(environ["wsgi.input"].read(size).decode()).items()}
            answer = self.answer(form["id"], form["acs"], form["sp"], form["username"])
            body = (
                "<!doctype html><title>Signed in</title><h1>Signed in at the test IdP</h1>"
                f'<form method="post" action="{html.escape(form["acs"])}">'
                f'<input type="hidden" name="SAMLResponse" value="{answer}">'
                '<button type="submit">Continue to the application</button></form>'
            )
        else:
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b"not found"]
        start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
        return [body.encode()]


class Served:
    """An IdP front served from a thread on a loopback port."""

    def __init__(self, app_callable, port: int):
        self.server = make_server("127.0.0.1", port, app_callable)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.thread.join(timeout=5)


BINDINGS = (BINDING_HTTP_POST, BINDING_HTTP_REDIRECT)
