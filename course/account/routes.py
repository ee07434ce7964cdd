"""My account: thin views over services.accounts and services.profile."""

import math

from flask import flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, logout_user

from ..auth import devices
from ..auth.decorators import role_required
from ..auth.forms import CodeForm
from ..extensions import db
from ..models import User
from ..saving import save
from ..services import accounts, clock, mfa, profile, throttle
from . import bp
from .forms import ChangePasswordForm, ConfirmForm, EmailForm, NameForm, TimeZoneForm


def _page(status: int = 200, **forms):
    user = db.session.get(User, current_user.id)
    forms.setdefault("form", TimeZoneForm(formdata=None, data={"time_zone": user.time_zone or ""}))
    forms.setdefault("name_form", NameForm(formdata=None, data={"name": user.name}))
    forms.setdefault("email_form", EmailForm(formdata=None))
    forms.setdefault("password_form", ChangePasswordForm(formdata=None))
    forms.setdefault("everywhere_form", ConfirmForm(formdata=None))
    forms.setdefault("mfa_off_form", CodeForm(formdata=None))
    return render_template(
        "account/account.html",
        user=user,
        uses_password=accounts.may_use_password(user),
        may_enrol=mfa.may_enrol(user) and accounts.may_use_password(user),
        mfa_required=mfa.is_required(user),
        codes_left=mfa.recovery_codes_left(user.id) if user.mfa_secret else 0,
        organisation_zone=clock.organisation_zone().key,
        zone_names=sorted(clock.zone_names()),
        **forms,
    ), status


@bp.route("", methods=["GET", "POST"])
@login_required
def show_account():
    form = TimeZoneForm(data={"time_zone": current_user.time_zone or ""})
    if form.validate_on_submit() and save(
        form, lambda: accounts.set_time_zone(current_user.id, form.time_zone.data)
    ):
        flash("Saved: times are now shown in your chosen zone.", "success")
        return redirect(url_for(".show_account"))
    return _page(422 if form.errors else 200, form=form)


@bp.post("/name")
@login_required
def change_name():
    form = NameForm()
    if form.validate_on_submit() and save(
        form, lambda: profile.change_name(current_user.id, form.name.data)
    ):
        flash("Saved: your name is changed.", "success")
        return redirect(url_for(".show_account"))
    return _page(422, name_form=form)


def _current_password_refused(field) -> int | None:
    """Check the current password as sign-in does (throttled, failures counted): None when
    it is right, else the status to answer with, the reason next to the field."""
    user = db.session.get(User, current_user.id)
    if not accounts.may_use_password(user):
        field.errors.append("Your account signs in through your organisation, not a password.")
        return 422
    device = devices.current()
    device_id = device.id if device.knows(user.id) else None
    address = request.remote_addr or "unknown"
    wait = throttle.sign_in_wait(user.email, address, device_id)
    if wait:
        minutes = math.ceil(wait / 60)
        field.errors.append(
            f"Too many wrong passwords. Please wait {minutes} minute{'s' if minutes > 1 else ''}."
        )
        return 429
    if not accounts.password_matches(accounts.credentials(user.email), field.data):
        throttle.record_failure(user.email, address, device_id)
        db.session.commit()
        field.errors.append("That is not your current password.")
        return 422
    return None


@bp.post("/email")
@login_required
def change_email():
    form = EmailForm()
    if form.validate_on_submit():
        status = _current_password_refused(form.email_current_password)
        if status:
            return _page(status, email_form=form)
        change = save(form, lambda: profile.request_email_change(current_user.id, form.email.data))
        if change:
            flash(
                f"We sent a link to {change.new_email}. Open it, signed in as you are now, "
                "within a day; your address changes then.",
                "success",
            )
            return redirect(url_for(".show_account"))
    return _page(422, email_form=form)


@bp.route("/email/<key>", methods=["GET", "POST"])
@login_required
def confirm_email(key):
    """A mailed link, followed while signed in to the same account: GET asks, POST changes.
    Anyone else (a mistyped address's owner) gets the dead-link page."""
    link = profile.email_link(key)
    if link is None or link.user_id != current_user.id:
        message = profile.DEAD_LINK.replace("one hour", "one day")
        return render_template("auth/link_dead.html", message=message), 410
    form = ConfirmForm()
    if form.validate_on_submit() and save(None, lambda: profile.confirm_email_change(key)):
        flash(f"Your email address is now {link.new_email}.", "success")
        return redirect(url_for(".show_account"))
    return render_template("account/confirm_email.html", form=form, new_email=link.new_email)


@bp.post("/password")
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        status = _current_password_refused(form.current_password)
        if status:
            return _page(status, password_form=form)
        if save(
            form,
            lambda: profile.change_password(
                current_user.id, form.password.data, current_user.session_key
            ),
            "password",
        ):
            flash(
                "Your password is changed. Every other device signed in to your account is "
                "signed out.",
                "success",
            )
            return redirect(url_for(".show_account"))
    return _page(422, password_form=form)


@bp.post("/sign-out-everywhere")
@login_required
def sign_out_everywhere():
    form = ConfirmForm()
    if not form.validate_on_submit():
        return _page(400)
    ended = profile.sign_out_everywhere(current_user.id)
    db.session.commit()
    session.clear()
    logout_user()
    flash(
        f"You are signed out everywhere ({ended} session{'s' if ended != 1 else ''} ended).",
        "info",
    )
    return redirect(url_for("auth.sign_in"))


#: Session key of the secret being set up on My account, until its first code is right.
ENROLLING = "_mfa_enrolling"


@bp.route("/mfa", methods=["GET", "POST"])
@role_required(*mfa.MAY_ENROL)
def set_up_mfa():
    user = db.session.get(User, current_user.id)
    if user.mfa_secret or not accounts.may_use_password(user):
        return redirect(url_for(".show_account"))
    secret = session.get(ENROLLING) or mfa.new_secret()
    session[ENROLLING] = secret
    form = CodeForm()
    if form.validate_on_submit():
        codes = save(form, lambda: mfa.enrol(user.id, secret, form.code.data))
        if codes:
            session.pop(ENROLLING, None)
            return render_template(
                "auth/recovery_codes.html", codes=codes, next_url=url_for(".show_account")
            )
    return render_template(
        "auth/enrol_mfa.html",
        form=form,
        qr=mfa.qr_svg(user.email, secret),
        secret=secret,
        required=False,
    ), (422 if form.errors else 200)


@bp.post("/mfa/off")
@role_required(*mfa.MAY_ENROL)
def turn_off_mfa():
    form = CodeForm()
    if form.validate_on_submit():
        device = devices.current()
        device_id = device.id if device.knows(current_user.id) else None
        address = request.remote_addr or "unknown"
        if wait := throttle.sign_in_wait(current_user.email, address, device_id):
            form.code.errors.append(f"Too many wrong codes. Please wait {wait} seconds.")
            return _page(429, mfa_off_form=form)
        if not mfa.check(current_user.id, form.code.data):
            db.session.rollback()
            throttle.record_failure(current_user.email, address, device_id)  # as at sign-in
            db.session.commit()
            form.code.errors.append("That code is not right, or was used already.")
        elif save(form, lambda: mfa.turn_off(current_user.id), "code"):
            flash("Two-step sign-in is off.", "success")
            return redirect(url_for(".show_account"))
    return _page(422, mfa_off_form=form)
