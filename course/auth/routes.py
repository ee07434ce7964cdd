import math
import time

from flask import (
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, logout_user

from ..database import begin_writing, reads_first
from ..extensions import db
from ..models import User
from ..navigation import home_url
from ..saving import save
from ..services import accounts, audit, mfa, profile, sessions, throttle
from . import bp, devices
from .forms import CodeForm, ForgotPasswordForm, NewPasswordForm, SignInForm
from .redirects import is_safe_url
from .sessions import landing, open_session


@bp.route("/sign-in", methods=["GET", "POST"])
@reads_first
def sign_in():
    """Throttle (reads only), hash with no transaction open, then one short write."""
    if current_user.is_authenticated:
        return redirect(home_url(current_user))
    form = SignInForm(next=request.args.get("next", ""))
    if not form.validate_on_submit():
        asked = is_safe_url(form.next.data) and form.next.data != "/"
        return render_template("auth/sign_in.html", form=form, error=None, asked_for_a_page=asked)
    email = accounts.normalise_email(form.email.data)
    address = request.remote_addr or "unknown"
    device = devices.current()
    account = accounts.credentials(email)
    device_id = device.id if account and device.knows(account.id) else None
    wait = throttle.sign_in_wait(email, address, device_id)
    if wait:
        return _too_many(form, wait)
    begin_writing()  # the read transaction ends here: nothing is held while hashing
    if not accounts.password_matches(account, form.password.data):
        throttle.record_failure(email, address, device_id)
        audit.record(
            account.id if account else None,
            "auth.sign_in_failed",
            f"user:{account.id}" if account else "",
            f"{email} from {address}"[:500],
        )
        db.session.commit()
        return render_template("auth/sign_in.html", form=form, error=accounts.GENERIC_FAILURE)
    new_hash = accounts.upgraded_hash(account, form.password.data)
    if new_hash:
        accounts.save_hash(account.id, new_hash)
    throttle.forget_failures(email, device_id)
    remember = bool(form.remember.data)
    user = db.session.get(User, account.id)
    if not accounts.may_use_password(user):
        db.session.commit()
        error = "Your organisation signs you in with its own account: use the button below."
        return render_template("auth/sign_in.html", form=form, error=error), 403
    if user.mfa_secret or mfa.is_required(user):
        # The password was right; a session opens only after the second step.
        db.session.commit()
        session.clear()
        session[PENDING] = {"user": account.id, "remember": remember,
                            "next": form.next.data or "", "at": int(time.time())}  # fmt: skip
        return redirect(url_for(".enter_code" if user.mfa_secret else ".enrol_mfa"))
    open_session(account.id, remember)
    return landing(form.next.data, device, account.id)


#: The Flask session key of a sign-in whose password was right, waiting for its second step.
PENDING = "_mfa_pending"
#: How long that wait lasts.
PENDING_SECONDS = 300


def _pending() -> dict | None:
    """The sign-in waiting for its second step in this browser, if not too old."""
    pending = session.get(PENDING)
    if not isinstance(pending, dict) or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        return None
    return pending


def _expired_step():
    session.pop(PENDING, None)
    flash("That sign-in took too long: please enter your password again.", "info")
    return redirect(url_for(".sign_in"))


@bp.route("/sign-in/code", methods=["GET", "POST"])
def enter_code():
    """The second step: a code from the authenticator app, or a recovery code. Wrong codes
    count as failed sign-ins of the account (same throttling)."""
    pending = _pending()
    user = db.session.get(User, pending["user"]) if pending else None
    if user is None or not user.active or not user.mfa_secret:
        return _expired_step()
    form = CodeForm()
    if form.validate_on_submit():
        device = devices.current()
        device_id = device.id if device.knows(user.id) else None
        address = request.remote_addr or "unknown"
        wait = throttle.sign_in_wait(user.email, address, device_id)
        if wait:
            form.code.errors.append(f"Too many wrong codes. Please wait {_wait_text(wait)}.")
            page = render_template("auth/enter_code.html", form=form)
            return page, 429, {"Retry-After": str(wait)}
        if mfa.check(user.id, form.code.data):
            throttle.forget_failures(user.email, device_id)
            open_session(user.id, pending["remember"])
            return landing(pending["next"], device, user.id)
        db.session.rollback()
        throttle.record_failure(user.email, address, device_id)
        db.session.commit()
        form.code.errors.append(
            "That code is not right, or was used already. Type the 6 digits your app shows "
            "now, or one of your recovery codes."
        )
    return render_template("auth/enter_code.html", form=form), (422 if form.errors else 200)


@bp.route("/sign-in/set-up", methods=["GET", "POST"])
def enrol_mfa():
    """Enrolment required at sign-in (an admin without MFA): scan, confirm a first code, see
    the recovery codes once; the session opens then."""
    pending = _pending()
    user = db.session.get(User, pending["user"]) if pending else None
    if user is None or not user.active or user.mfa_secret:
        return _expired_step()
    if "secret" not in pending:
        pending["secret"] = mfa.new_secret()
        session[PENDING] = pending
    form = CodeForm()
    if form.validate_on_submit():
        codes = save(form, lambda: mfa.enrol(user.id, pending["secret"], form.code.data))
        if codes:
            device = devices.current()
            open_session(user.id, pending["remember"])
            target = pending["next"]
            next_url = target if is_safe_url(target) else home_url(current_user)
            response = make_response(
                render_template("auth/recovery_codes.html", codes=codes, next_url=next_url)
            )
            devices.remember(response, device, user.id)
            return response
    return render_template(
        "auth/enrol_mfa.html",
        form=form,
        qr=mfa.qr_svg(user.email, pending["secret"]),
        secret=pending["secret"],
        required=True,
    ), (422 if form.errors else 200)


def _wait_text(wait: int) -> str:
    minutes = math.ceil(wait / 60)
    return f"{wait} seconds" if wait < 60 else f"{minutes} minute{'s' if minutes > 1 else ''}"


def _too_many(form, wait: int):
    when = _wait_text(wait)
    error = (
        f"Too many attempts to sign in. Please wait {when} and try again, or ask your "
        "administrator to reset your password."
    )
    page = render_template("auth/sign_in.html", form=form, error=error)
    return page, 429, {"Retry-After": str(wait)}


@bp.post("/sign-out")
def sign_out():
    """End this browser's session on the server too: a copy of its cookies stops working."""
    _end_this_browsers_session()  # and the remember cookie
    flash("You have signed out.", "info")
    return redirect(url_for("auth.sign_in"))


# A forgotten password ------------------------------------------------------------------------


@bp.route("/forgot-password", methods=["GET", "POST"])
def forgot_password():
    """Ask for a reset link. The answer is the same whether an account has the email or not."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        address = request.remote_addr or "unknown"
        wait = throttle.reset_wait(address)
        if wait:
            minutes = math.ceil(wait / 60)
            form.email.errors.append(
                f"Too many requests from this network. Please try again in {minutes} minute"
                f"{'s' if minutes > 1 else ''}, or ask your administrator."
            )
            page = render_template("auth/forgot_password.html", form=form, sent=False)
            return page, 429, {"Retry-After": str(wait)}
        profile.request_password_reset(form.email.data, address)
        db.session.commit()
        return redirect(url_for(".forgot_password", sent=1))
    sent = request.method == "GET" and request.args.get("sent") == "1"
    page = render_template("auth/forgot_password.html", form=form, sent=sent)
    return page, (422 if form.errors else 200)


@bp.route("/reset-password/<key>", methods=["GET", "POST"])
def reset_password(key):
    """A mailed link: GET shows the form (a mail scanner's visit uses nothing up), POST sets
    the password, ends every session of the person and sends them to sign in."""
    user = profile.reset_link_user(key)
    if user is None:
        page = render_template("auth/link_dead.html", message=profile.DEAD_LINK)
        return page, 410, {"Referrer-Policy": "no-referrer"}
    form = NewPasswordForm()
    if form.validate_on_submit() and save(
        form, lambda: profile.complete_password_reset(key, form.password.data), "password"
    ):
        _end_this_browsers_session()
        flash(
            "Your new password is set, and every device that was signed in is signed out. "
            "Sign in with your new password.",
            "success",
        )
        return redirect(url_for(".sign_in"))
    page = render_template("auth/reset_password.html", form=form, user=user)
    return page, (422 if form.errors else 200), {"Referrer-Policy": "no-referrer"}


def _end_this_browsers_session() -> None:
    key = session.get("_user_id")
    if key:
        user_id = current_user.id if current_user.is_authenticated else None  # before it ends
        sessions.end(key)
        if user_id is not None:
            audit.record(user_id, "auth.sign_out", f"user:{user_id}", "")
        db.session.commit()
    session.clear()
    logout_user()
