from flask import flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from ..saving import save
from ..services import accounts, clock
from . import bp
from .forms import TimeZoneForm


@bp.route("", methods=["GET", "POST"])
@login_required
def show_account():
    form = TimeZoneForm(data={"time_zone": current_user.time_zone or ""})
    if form.validate_on_submit() and save(
        form, lambda: accounts.set_time_zone(current_user.id, form.time_zone.data)
    ):
        flash("Saved: times are now shown in your chosen zone.", "success")
        return redirect(url_for(".show_account"))
    return render_template(
        "account/account.html",
        form=form,
        organisation_zone=clock.organisation_zone().key,
        zone_names=sorted(clock.zone_names()),
    ), (422 if form.errors else 200)
