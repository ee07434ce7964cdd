"""The organisation's logo and each module's continuing-education credit, for admins."""

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user

from ..auth.decorators import role_required
from ..extensions import db
from ..models import Module, Role
from ..saving import save
from ..services import credit
from ..uploads import accepts_upload
from . import bp
from .credit_forms import LogoForm, ModuleCreditForm

ADMINS = (Role.ADMIN,)


def _organisation_page(form, status=200):
    return render_template(
        "admin/organisation.html",
        form=form,
        logo=credit.current_logo(),
        modules=credit.modules(),
        hours_text=credit.hours_text,
    ), status


@bp.route("/organisation", methods=["GET", "POST"])
@role_required(*ADMINS)
@accepts_upload("LOGO_MAX_BYTES")
def edit_organisation():
    """The logo printed on certificates, and the modules' credit."""
    form = LogoForm()
    if form.validate_on_submit() and save(
        form, lambda: credit.save_logo(current_user.id, form.logo.data.read())
    ):
        flash("Logo saved: certificates print it from now on.", "success")
        return redirect(url_for(".edit_organisation"))
    return _organisation_page(form, 422 if request.method == "POST" else 200)


@bp.get("/organisation/logo")
@role_required(*ADMINS)
def show_logo():
    logo = credit.current_logo() or abort(404)
    response = make_response(logo.data)
    response.headers["Content-Type"] = logo.content_type
    return response


@bp.route("/modules/<int:module_id>/credit", methods=["GET", "POST"])
@role_required(*ADMINS)
def edit_module_credit(module_id):
    module = db.get_or_404(Module, module_id)
    if request.method == "GET":
        form = ModuleCreditForm(
            formdata=None,
            data={
                "contact_hours": credit.hours_text(module.contact_hours_hundredths),
                "ce_provider": module.ce_provider,
                "ce_number": module.ce_number,
                "ce_statement": module.ce_statement,
            },
        )
    else:
        form = ModuleCreditForm()
        if form.validate_on_submit() and save(
            form,
            lambda: credit.set_module_credit(
                current_user.id,
                module,
                form.hundredths,
                form.ce_provider.data,
                form.ce_number.data,
                form.ce_statement.data,
            ),
        ):
            flash("Credit saved: certificates issued from now on carry it.", "success")
            return redirect(url_for(".edit_organisation"))
        module = db.get_or_404(Module, module_id)
    title = module.published.title if module.published else module.slug
    status = 422 if request.method == "POST" else 200
    return render_template(
        "admin/module_credit.html", form=form, title=title, module=module
    ), status
