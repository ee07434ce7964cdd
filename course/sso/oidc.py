"""The OpenID Connect client (Authlib), for the sign-in pages (sso/routes.py) and for
confirming a signature by a fresh sign-in (policies/reauth.py)."""

from urllib.parse import parse_qs, urlsplit

from authlib.integrations.flask_client import OAuth
from flask import current_app

from ..security import external_url

PROVIDER = "oidc"


def configured() -> bool:
    """Whether an OpenID Connect provider is set (discovery URL and client id)."""
    config = current_app.config
    return bool(config["OIDC_DISCOVERY_URL"] and config["OIDC_CLIENT_ID"])


def client():
    """The app's OpenID Connect client, registered once per app and setting values."""
    config = current_app.config
    key = (config["OIDC_DISCOVERY_URL"], config["OIDC_CLIENT_ID"], config["OIDC_CLIENT_SECRET"])
    clients = current_app.extensions.setdefault("sso_oidc_clients", {})
    if key not in clients:
        oauth = OAuth(current_app._get_current_object())
        clients[key] = oauth.register(
            PROVIDER,
            client_id=config["OIDC_CLIENT_ID"],
            client_secret=config["OIDC_CLIENT_SECRET"],
            server_metadata_url=config["OIDC_DISCOVERY_URL"],
            client_kwargs={"scope": config["OIDC_SCOPES"], "code_challenge_method": "S256"},
        )
    return clients[key]


def reauth_redirect() -> tuple[str, str]:
    """A forced sign-in at the provider, to confirm a signature (course/policies/reauth.py):
    `prompt=login` and `max_age=0` make it ask the person again whatever session it holds,
    and its ID token then carries `auth_time`. Returns (the provider's URL, the state that
    binds its answer to this trip)."""
    response = client().authorize_redirect(
        external_url("sso.oidc_callback"), prompt="login", max_age=0
    )
    location = response.headers["Location"]
    return location, parse_qs(urlsplit(location).query)["state"][0]
