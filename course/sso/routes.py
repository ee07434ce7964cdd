"""OpenID Connect sign-in with Authlib: authorization code flow with PKCE (S256); state,
nonce and the ID token (signature by the provider's published keys, issuer, audience,
expiry) checked by Authlib; then services.sso maps the claims onto an account.

Every refusal, from the provider or from a check, shows one clear page (400) and writes an
audit line; none is a 500.
"""

from authlib.integrations.base_client.errors import OAuthError
from flask import abort, current_app, redirect, render_template, request, session
from joserfc.errors import JoseError
from requests import RequestException

from ..auth import devices
from ..auth.redirects import is_safe_url
from ..auth.sessions import landing, open_session
from ..database import writes_on_get
from ..extensions import csrf, db
from ..policies import reauth
from ..security import external_url
from ..services import sso
from . import bp, oidc, saml

#: Where to go after signing in, kept across the trip to the provider.
NEXT = "_sso_next"


def _refused(reason: str, status: int = 400, provider: str = oidc.PROVIDER):
    sso.refused(provider, reason, request.remote_addr or "unknown")
    db.session.commit()
    page = render_template(
        "sso/refused.html", reason=reason, sso_name=current_app.config["SSO_NAME"]
    )
    return page, status


@bp.get("/oidc/start")
def oidc_start():
    """Send the browser to the provider: Authlib makes the state, the nonce and the PKCE
    verifier and keeps them in this browser's (signed) session."""
    if not oidc.configured():
        abort(404)
    target = request.args.get("next", "")
    session[NEXT] = target if is_safe_url(target) else ""
    try:
        return oidc.client().authorize_redirect(external_url("sso.oidc_callback"))
    except (OAuthError, RequestException, ValueError) as error:
        return _refused(f"The identity provider could not be reached: {error}", 502)


@bp.get("/oidc/callback")
@writes_on_get
def oidc_callback():
    """The provider's answer: the code is exchanged (with the PKCE verifier), the ID token
    verified, then the person signed in (or, for a trip that confirms a signature, the
    signature completed: course/policies/reauth.py)."""
    if not oidc.configured():
        abort(404)
    signing = reauth.pending_for(oidc.PROVIDER, request.args.get("state"))
    if error := request.args.get("error"):
        description = request.args.get("error_description", "")[:300]
        if signing:
            session.pop(reauth.PENDING, None)
        return _refused(f"The identity provider refused the sign-in: {error} {description}")
    try:
        token = oidc.client().authorize_access_token()
    except (OAuthError, JoseError, RequestException, ValueError, KeyError) as error:
        return _refused(f"The answer failed its checks: {type(error).__name__}: {error}")
    claims = token.get("userinfo")
    if not claims:
        return _refused("The answer carried no ID token.")
    if signing:
        return reauth.finish(oidc.PROVIDER, dict(claims), reauth.moment(claims.get("auth_time")))
    rules = sso.mapping()
    try:
        user = sso.sign_in(sso.identity(dict(claims), rules), oidc.PROVIDER, rules)
    except sso.SsoError as error:
        db.session.rollback()
        return _refused(str(error), 403)
    target = session.get(NEXT, "")
    device = devices.current()
    open_session(user.id, remember=False)
    return landing(target, device, user.id)


# SAML 2.0 ------------------------------------------------------------------------------------


@bp.get("/saml/metadata")
def saml_metadata():
    """This app's SP metadata, for the identity provider's administrators (public)."""
    if not saml.configured():
        abort(404)
    return current_app.response_class(saml.sp_metadata(), mimetype="application/samlmetadata+xml")


@bp.get("/saml/start")
@writes_on_get
def saml_start():
    if not saml.configured():
        abort(404)
    target = request.args.get("next", "")
    try:
        _request_id, location = saml.start(target if is_safe_url(target) else "")
    except saml.SamlRefusal as error:
        db.session.rollback()
        return _refused(str(error), 502, "saml")
    db.session.commit()
    return redirect(location)


@bp.post("/saml/acs")
@csrf.exempt  # the identity provider posts here; the signed assertion is the authority
def saml_acs():
    """The assertion consumer service: the provider's signed answer, checked, then the
    person signed in."""
    if not saml.configured():
        abort(404)
    try:
        answer = saml.accept(request.form.get("SAMLResponse", ""))
    except saml.SamlRefusal as error:
        db.session.rollback()
        return _refused(str(error), 400, "saml")
    rules = sso.mapping()
    claims = dict(answer.claims)
    if not claims.get(rules.email) and "@" in str(claims.get("name_id", "")):
        claims[rules.email] = claims["name_id"]
    if reauth.pending_for("saml", answer.request_id):
        return reauth.finish("saml", claims, answer.authn_instant)
    try:
        user = sso.sign_in(sso.identity(claims, rules), "saml", rules)
    except sso.SsoError as error:
        db.session.rollback()
        return _refused(str(error), 403, "saml")
    device = devices.current()
    open_session(user.id, remember=False)
    return landing(answer.next_path, device, user.id)


@bp.app_context_processor
def _sso_on_pages():
    return {"sso_enabled": oidc.configured, "saml_enabled": saml.configured}
