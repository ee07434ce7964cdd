"""Signing a policy by a fresh single sign-on, for accounts that have no password to confirm
with (they sign in only through the organisation's identity provider).

The round trip: the signing form (tick, typed name) posts to `confirm_with_sso`, which checks
them (policies.check_intent) and keeps a pending signature in this browser's signed session
(`PENDING`): the person, the policy, the version and the SHA-256 of the text shown, the typed
name, when they asked, which provider, and what binds the answer to this trip (the OIDC state
or the SAML request id). The provider is asked for a forced sign-in (course/sso/). Its answer,
once verified, comes back to `finish`, which signs only when it is this trip's answer, the
identity is this account and the sign-in is fresh (policies.check_reauth); the pending entry
is used up either way.
"""

from datetime import UTC, datetime

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user

from ..extensions import db
from ..models import Module, Policy, User
from ..models.types import utcnow
from ..services import accounts, policies, policy_signing, sso
from ..sso import oidc, saml

#: The pending signature in the session (a dict of plain values).
PENDING = "_policy_pending_signature"
#: What to put back in the signing form after a refused confirmation.
RETRY = "_policy_signing_retry"


def provider_for(user: User) -> str | None:
    """How this person confirms a signature by single sign-on: "oidc" or "saml"; None when
    they have a password to confirm with, or no single sign-on is configured."""
    if accounts.may_use_password(user):
        return None
    if oidc.configured():
        return "oidc"
    if saml.configured():
        return "saml"
    return None


def begin(user: User, policy: Policy, text_hash: str, typed_name: str, module: Module | None):
    """Keep the pending signature; returns a page that takes the browser to the provider."""
    provider = provider_for(user)
    pending = {
        "user_id": user.id,
        "policy_id": policy.id,
        "version_id": policy.current_version_id,
        "text_hash": text_hash,
        "typed_name": typed_name,
        "asked_at": utcnow().isoformat(),
        "provider": provider,
        "module": module.slug if module else None,
    }
    if provider == "oidc":
        location, pending["state"] = oidc.reauth_redirect()
    else:
        # ForceAuthn="true": the provider asks the person again; its answer must respond to
        # this request id (kept by saml.start, committed here).
        pending["request_id"], location = saml.start("", force_authn=True)
        db.session.commit()
    session[PENDING] = pending
    # A page that moves on by itself, not a redirect: the signing form's own navigation may
    # only end on this site (CSP form-action 'self'), and Chromium applies that to redirects.
    return render_template(
        "policies/confirm_elsewhere.html",
        location=location,
        policy=policy,
        sso_name=current_app.config["SSO_NAME"],
    )


def pending_for(provider: str, binding: str | None) -> dict | None:
    """The pending signature this provider's answer belongs to, or None (an ordinary sign-in).

    `binding` is the answer's OIDC state or the SAML request id it responds to.
    """
    pending = session.get(PENDING)
    if not pending or pending.get("provider") != provider or not binding:
        return None
    key = "state" if provider == "oidc" else "request_id"
    return pending if pending.get(key) == binding else None


def moment(epoch_seconds) -> datetime | None:
    """A provider's time (seconds since 1970) as naive UTC, or None."""
    try:
        return datetime.fromtimestamp(int(epoch_seconds), UTC).replace(tzinfo=None)
    except (TypeError, ValueError, OverflowError, OSError):
        return None


def _back(pending: dict):
    return redirect(
        url_for("policies.sign_policy", policy_id=pending["policy_id"], module=pending["module"])
    )


def finish(provider: str, claims: dict, authenticated_at: datetime | None):
    """Complete the pending signature with the provider's verified answer, or refuse it.

    Either way the pending entry is used up and the browser goes back to the signing page
    (or the module it came from), with what happened.
    """
    pending = session.pop(PENDING)
    address = request.remote_addr or "unknown"
    policy = db.session.get(Policy, pending["policy_id"])
    user = db.session.get(User, current_user.id) if current_user.is_authenticated else None
    if policy is None or user is None or user.id != pending["user_id"]:
        sso.refused(provider, "A signature confirmation for another session.", address)
        db.session.commit()
        flash("That confirmation was not for this session: nothing was signed.", "error")
        return redirect(url_for("policies.list_policies"))
    rules = sso.mapping()
    try:
        account = sso.find_account(sso.identity(claims, rules), rules)
    except sso.SsoError:
        account = None
    reauth = policies.Reauth(
        provider=provider,
        user_id=account.id if account else None,
        authenticated_at=authenticated_at,
        asked_at=datetime.fromisoformat(pending["asked_at"]),
    )
    try:
        if policy.current_version_id != pending["version_id"]:
            raise policies.PolicyError(
                "A new version was published while you were confirming: nothing was signed. "
                "Please read it and sign again."
            )
        signature, completed = policy_signing.sign(
            user,
            policy,
            shown_hash=pending["text_hash"],
            agreed=True,
            typed_name=pending["typed_name"],
            password="",
            ip_address=address,
            user_agent=request.user_agent.string,
            reauth=reauth,
        )
    except policies.PolicyError as error:
        db.session.rollback()
        sso.refused(provider, f"Signature not confirmed: {error}", address)
        db.session.commit()
        session[RETRY] = {"policy_id": policy.id, "typed_name": pending["typed_name"]}
        flash(str(error), "error")
        return _back(pending)
    db.session.commit()
    name = current_app.config["SSO_NAME"]
    flash(
        f"You signed version {signature.version_number} of {policy.title}, confirmed by "
        f"signing in to {name}.",
        "success",
    )
    if completed:
        flash("That completed the module.", "success")
    if pending["module"]:
        return redirect(url_for("learn.show_module", slug=pending["module"]))
    return redirect(url_for("policies.list_policies"))
