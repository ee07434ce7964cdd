from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user

from ..services import accounts
from . import bp
from .forms import SignInForm
from .redirects import is_safe_url


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in():
    if current_user.is_authenticated:
        return redirect(url_for("learn.dashboard"))
    form = SignInForm(next=request.args.get("next", ""))
    error = None
    if form.validate_on_submit():
        outcome = accounts.authenticate(form.email.data, form.password.data, request.remote_addr)
        if outcome.user:
            login_user(outcome.user, remember=form.remember.data)
            target = form.next.data
            return redirect(target if is_safe_url(target) else url_for("learn.dashboard"))
        error = outcome.message
    return render_template("auth/sign_in.html", form=form, error=error)


@bp.post("/sign-out")
def sign_out():
    logout_user()
    flash("You have signed out.", "info")
    return redirect(url_for("auth.sign_in"))
