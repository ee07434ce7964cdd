"""Bulk imports for admins: upload, preview (nothing changes), apply what was shown.

Two kinds share these steps (services/import_files.py): staff (accounts) and past
completions (training done outside the app).
"""

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from ..auth.decorators import role_required
from ..database import begin_writing, reads_first, refresh_statistics
from ..extensions import db
from ..models import Role
from ..saving import refuse
from ..services import past_completions, staff_import
from ..services.import_files import ImportFileError
from ..uploads import accepts_upload
from . import bp
from .forms import ApplyImportForm, CompletionsImportForm, StaffImportForm

ADMINS = (Role.ADMIN,)
#: Rows of each kind listed on the preview; the counts are always whole.
SHOWN = 500


def _upload(form_class, template: str, make_plan, keep, show_endpoint: str):
    """Read and check the file, compare it with the database, keep the plan: a preview.

    `make_plan(form, filename, data)` returns the plan or raises ImportFileError (shown next
    to the file field); `keep(form, plan, filename, data)` stores it.
    """
    form = form_class()
    if form.validate_on_submit():
        storage = form.file.data
        data = storage.read()
        try:
            plan = make_plan(form, storage.filename or "", data)
        except ImportFileError as error:
            refuse(form, error)
        else:
            begin_writing()
            record = keep(form, plan, storage.filename or "", data)
            db.session.commit()
            return redirect(url_for(show_endpoint, **{_TOKEN[show_endpoint]: record.token}))
    return render_template(template, form=form), 422


def _apply(importer, token: str, show_endpoint: str):
    """Apply a stored preview once (`importer`: the import's service module), say what it did."""
    record = _found(importer.stored(token))
    if not ApplyImportForm().validate_on_submit():
        abort(400)
    back = redirect(url_for(show_endpoint, **{_TOKEN[show_endpoint]: record.token}))
    try:
        outcome = importer.apply(record, current_user.id)
    except ImportFileError as error:
        db.session.rollback()
        flash(str(error), "error")
        return back
    db.session.commit()
    refresh_statistics()  # a bulk change: the planner's statistics follow it
    db.session.commit()
    flash(f"Import applied: {outcome.said()}", "success")
    return back


def _found(record):
    if record is None:
        abort(404)
    return record


def _show(record, importer, template: str):
    """A stored preview (or what it applied): `importer` is the import's service module."""
    plan = importer.Plan.from_json(_found(record).plan)
    return render_template(
        template,
        record=record,
        plan=plan,
        counts=importer.count(plan),
        form=ApplyImportForm(formdata=None),
        shown=SHOWN,
    )


# Staff ---------------------------------------------------------------------------------------


@bp.get("/import")
@role_required(*ADMINS)
def new_import():
    return render_template("admin/import.html", form=StaffImportForm(formdata=None))


@bp.post("/import")
@role_required(*ADMINS)
@reads_first
@accepts_upload("IMPORT_MAX_BYTES")
def upload_import():
    return _upload(
        StaffImportForm,
        "admin/import.html",
        lambda form, name, data: staff_import.preview(
            staff_import.read_file(name, data),
            deactivate_missing=form.deactivate_missing.data,
            actor_id=current_user.id,
        ),
        lambda form, plan, name, data: staff_import.store(
            plan, name, data, current_user.id, form.deactivate_missing.data
        ),
        ".show_import",
    )


@bp.get("/import/<token>")
@role_required(*ADMINS)
def show_import(token):
    return _show(staff_import.stored(token), staff_import, "admin/import_preview.html")


@bp.post("/import/<token>")
@role_required(*ADMINS)
def apply_import(token):
    return _apply(staff_import, token, ".show_import")


# Past completions ----------------------------------------------------------------------------


@bp.get("/completions/import")
@role_required(*ADMINS)
def new_completions_import():
    return render_template(
        "admin/completions_import.html", form=CompletionsImportForm(formdata=None)
    )


@bp.post("/completions/import")
@role_required(*ADMINS)
@reads_first
@accepts_upload("IMPORT_MAX_BYTES")
def upload_completions_import():
    return _upload(
        CompletionsImportForm,
        "admin/completions_import.html",
        lambda form, name, data: past_completions.preview(past_completions.read_file(name, data)),
        lambda form, plan, name, data: past_completions.store(plan, name, data, current_user.id),
        ".show_completions_import",
    )


@bp.get("/completions/import/<import_token>")
@role_required(*ADMINS)
def show_completions_import(import_token):
    return _show(
        past_completions.stored(import_token), past_completions, "admin/completions_preview.html"
    )


@bp.post("/completions/import/<import_token>")
@role_required(*ADMINS)
def apply_completions_import(import_token):
    return _apply(past_completions, import_token, ".show_completions_import")


#: Each preview page's name for its token in the URL.
_TOKEN = {".show_import": "token", ".show_completions_import": "import_token"}

bp.add_app_template_filter(staff_import.shown_value, "import_value")
