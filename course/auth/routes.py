import math

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user

from ..database import begin_writing, reads_first
from ..extensions import db
from ..navigation import home_url
from ..services import accounts, audit, sessions, throttle
from . import bp, devices
from .forms import SignInForm
from .redirects import is_safe_url
from .sessions import load_user, note_activity


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
    config = current_app.config
    lifetime = config["REMEMBER_COOKIE_DURATION"] if remember else config["SESSION_LIFETIME"]
    key = sessions.begin(account.id, remember, lifetime)
    audit.record(account.id, "auth.sign_in", f"user:{account.id}", f"from {address}")
    db.session.commit()
    session.clear()  # nothing of the anonymous session (its CSRF token) carries over
    login_user(load_user(key), remember=remember)
    note_activity(remember)
    target = form.next.data
    # The site's root is no page of its own: each person lands where their work is.
    wanted = is_safe_url(target) and target != url_for("learn.dashboard")
    response = redirect(target if wanted else home_url(current_user))
    devices.remember(response, device, account.id)
    return response


def _too_many(form, wait: int):
    minutes = math.ceil(wait / 60)
    when = f"{wait} seconds" if wait < 60 else f"{minutes} minute{'s' if minutes > 1 else ''}"
    error = (
        f"Too many attempts to sign in. Please wait {when} and try again, or ask your "
        "administrator to reset your password."
    )
    page = render_template("auth/sign_in.html", form=form, error=error)
    return page, 429, {"Retry-After": str(wait)}


@bp.post("/sign-out")
def sign_out():
    """End this browser's session on the server too: a copy of its cookies stops working."""
    key = session.get("_user_id")
    if key:
        user_id = current_user.id if current_user.is_authenticated else None  # before it ends
        sessions.end(key)
        if user_id is not None:
            audit.record(user_id, "auth.sign_out", f"user:{user_id}", "")
        db.session.commit()
    session.clear()
    logout_user()  # and the remember cookie
    flash("You have signed out.", "info")
    return redirect(url_for("auth.sign_in"))
