"""Bulk import of staff for admins: upload, preview (nothing changes), apply what was shown."""

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from ..auth.decorators import role_required
from ..database import begin_writing, reads_first, refresh_statistics
from ..extensions import db
from ..models import Role
from ..saving import refuse
from ..services import staff_import
from ..uploads import accepts_upload
from . import bp
from .forms import ApplyImportForm, StaffImportForm

ADMINS = (Role.ADMIN,)
#: Rows of each kind listed on the preview; the counts are always whole.
SHOWN = 500


@bp.get("/import")
@role_required(*ADMINS)
def new_import():
    return render_template("admin/import.html", form=StaffImportForm(formdata=None))


@bp.post("/import")
@role_required(*ADMINS)
@reads_first
@accepts_upload("IMPORT_MAX_BYTES")
def upload_import():
    """Read and check the file, compare it with the accounts, keep the plan: a preview."""
    form = StaffImportForm()
    if form.validate_on_submit():
        storage = form.file.data
        data = storage.read()
        try:
            table = staff_import.read_file(storage.filename or "", data)
            plan = staff_import.preview(
                table,
                deactivate_missing=form.deactivate_missing.data,
                actor_id=current_user.id,
            )
        except staff_import.ImportFileError as error:
            refuse(form, error)
        else:
            begin_writing()
            record = staff_import.store(
                plan, storage.filename or "", data, current_user.id, form.deactivate_missing.data
            )
            db.session.commit()
            return redirect(url_for(".show_import", token=record.token))
    return render_template("admin/import.html", form=form), 422


def _record(token: str):
    record = staff_import.stored(token)
    if record is None:
        abort(404)
    return record


@bp.get("/import/<token>")
@role_required(*ADMINS)
def show_import(token):
    record = _record(token)
    plan = staff_import.Plan.from_json(record.plan)
    return render_template(
        "admin/import_preview.html",
        record=record,
        plan=plan,
        counts=staff_import.count(plan),
        form=ApplyImportForm(formdata=None),
        shown=SHOWN,
    )


@bp.post("/import/<token>")
@role_required(*ADMINS)
def apply_import(token):
    record = _record(token)
    if not ApplyImportForm().validate_on_submit():
        abort(400)
    try:
        outcome = staff_import.apply(record, current_user.id)
    except staff_import.ImportFileError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for(".show_import", token=token))
    db.session.commit()
    refresh_statistics()  # a bulk change: the planner's statistics follow it
    db.session.commit()
    flash(
        f"Import applied: {outcome.created} created, {outcome.updated} updated, "
        f"{outcome.deactivated} deactivated; {outcome.refused} rows refused (not applied).",
        "success",
    )
    return redirect(url_for(".show_import", token=token))


bp.add_app_template_filter(staff_import.shown_value, "import_value")
