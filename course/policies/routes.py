"""The learner's policy pages: what to sign, reading and signing, receipts."""

import math

from flask import (
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required

from .. import downloads
from ..auth import devices
from ..extensions import db
from ..models import Module, Policy, PolicySignature, User
from ..saving import refuse, save
from ..services import (
    accounts,
    policies,
    policy_receipts,
    policy_signing,
    policy_status,
    throttle,
)
from ..services.scope import learner_in_scope, scope_for
from . import bp, reauth
from .forms import SignForm


@bp.get("/policies")
@login_required
def list_policies():
    """The policies asked of me (with their status) and every signature I made."""
    return render_template(
        "policies/list.html",
        required=policy_status.of_learner(current_user.id),
        signatures=policies.signatures_of(current_user.id),
        labels=policy_status.LABELS,
    )


def _return_module(policy: Policy) -> Module | None:
    """The module the learner came from (?module=slug), when the policy is attached to it."""
    slug = request.args.get("module", "")
    if not slug or len(slug) > 80:
        return None
    module = db.session.scalar(db.select(Module).where(Module.slug == slug))
    return module if module is not None and module.policy_id == policy.id else None


@bp.route("/policies/<int:policy_id>", methods=["GET", "POST"])
@login_required
def sign_policy(policy_id):
    policy = db.session.get(Policy, policy_id)
    if policy is None or policy.current is None:
        abort(404)
    module = _return_module(policy)
    form = SignForm()
    sso_provider = reauth.provider_for(db.session.get(User, current_user.id))
    if request.method == "GET":
        form.text_hash.data = policies.text_hash(policy.current)
        retry = session.pop(reauth.RETRY, None)
        if retry and retry.get("policy_id") == policy.id:  # a refused single sign-on
            form.full_name.data = retry.get("typed_name", "")
            form.agree.data = True
    elif sso_provider:
        abort(404)  # no password to confirm with: confirm_with_sso instead
    elif form.validate_on_submit():
        user = db.session.get(User, current_user.id)
        address = request.remote_addr or "unknown"
        device = devices.current()
        device_id = device.id if device.knows(user.id) else None
        wait = throttle.sign_in_wait(user.email, address, device_id)
        if wait:
            form.password.errors = [
                f"Too many wrong passwords. Try again in {math.ceil(wait / 60)} minute(s)."
            ]
        else:
            outcome = save(
                form,
                lambda: policy_signing.sign(
                    user,
                    policy,
                    shown_hash=form.text_hash.data or "",
                    agreed=bool(form.agree.data),
                    typed_name=form.full_name.data or "",
                    password=form.password.data or "",
                    ip_address=address,
                    user_agent=request.user_agent.string,
                ),
            )
            if outcome is not None:
                signature, completed = outcome
                flash(
                    f"You signed version {signature.version_number} of {policy.title}.", "success"
                )
                if completed:
                    flash("That completed the module.", "success")
                if module is not None:
                    return redirect(url_for("learn.show_module", slug=module.slug))
                return redirect(url_for(".list_policies"))
            if form.password.errors:
                throttle.record_failure(user.email, address, device_id)
                db.session.commit()
        form.text_hash.data = policies.text_hash(policy.current)
    return _signing_page(policy, form, module, sso_provider)


def _signing_page(policy: Policy, form, module: Module | None, sso_provider: str | None):
    signed = policies.counting_signature(current_user.id, policy)
    status = 422 if request.method == "POST" else 200
    return render_template(
        "policies/sign.html",
        policy=policy,
        version=policy.current,
        form=form,
        signed=signed,
        module=module,
        sso_provider=sso_provider,
        no_way_to_confirm=sso_provider is None
        and not accounts.may_use_password(db.session.get(User, current_user.id)),
    ), status


@bp.post("/policies/<int:policy_id>/confirm")
@login_required
def confirm_with_sso(policy_id):
    """For an account without a password: check the tick and the typed name, keep the pending
    signature, and send the person to sign in again at their identity provider
    (course/policies/reauth.py); the provider's answer completes it."""
    policy = db.session.get(Policy, policy_id)
    if policy is None or policy.current is None:
        abort(404)
    user = db.session.get(User, current_user.id)
    sso_provider = reauth.provider_for(user)
    if sso_provider is None:
        abort(404)
    module = _return_module(policy)
    form = SignForm()
    if form.validate_on_submit():
        try:
            policies.check_intent(
                user,
                policy,
                form.text_hash.data or "",
                bool(form.agree.data),
                form.full_name.data or "",
            )
        except policies.PolicyError as error:
            refuse(form, error)
        else:
            return reauth.begin(
                user, policy, form.text_hash.data, form.full_name.data or "", module
            )
    form.text_hash.data = policies.text_hash(policy.current)
    return _signing_page(policy, form, module, sso_provider)


@bp.get("/policies/<int:policy_id>/versions/<int:number>")
@login_required
def show_version(policy_id, number):
    """A published version exactly as it was signed."""
    version = policies.version(policy_id, number)
    if version is None or version.published_at is None:
        abort(404)
    return render_template("policies/version.html", version=version, policy=version.policy)


@bp.get("/policies/signatures/<int:signature_id>.pdf")
@login_required
def download_receipt(signature_id):
    """A signature's receipt, for its signer and the managers whose departments cover them."""
    signature = db.session.get(PolicySignature, signature_id)
    if signature is None:
        abort(404)
    if (
        signature.user_id != current_user.id
        and learner_in_scope(scope_for(current_user), signature.user_id) is None
    ):
        abort(404)
    response = make_response(policy_receipts.pdf(signature))
    response.headers["Content-Type"] = "application/pdf"
    name = downloads.readable_name(signature.version.title)
    response.headers["Content-Disposition"] = downloads.attachment(
        f"signature-{name}-v{signature.version_number}-{signature.signed_at:%Y-%m-%d}.pdf"
    )
    return response
