from datetime import date

from flask import abort, current_app, make_response, render_template, request
from flask_login import current_user, login_required

from .. import downloads
from ..models.types import utcnow
from ..security import external_url
from ..services import certificates, clock, credit
from ..services.scope import learner_in_scope, scope_for
from . import bp
from .forms import PeriodForm


def _period() -> tuple[PeriodForm, bool]:
    """The period form from the query string, empty meaning "from January 1st to today"."""
    form = PeriodForm(request.args)
    if not request.args.get("start") and not request.args.get("end"):
        today = clock.today()
        form.start.data, form.end.data = date(today.year, 1, 1), today
    return form, form.validate()


@bp.get("/certificates")
@login_required
def list_certificates():
    held = certificates.of_learner(current_user.id)
    form, valid = _period()
    in_period = credit.in_period(current_user.id, form.start.data, form.end.data) if valid else []
    return render_template(
        "certificates/list.html",
        certificates=held,
        standings=certificates.standings(held),
        printed_at=utcnow(),
        form=form,
        in_period=in_period,
        total=credit.hours_text(credit.total_hundredths(in_period)) or "0",
        hours_text=credit.hours_text,
    ), 200 if valid else 400


@bp.get("/certificates/transcript.pdf")
@login_required
def download_transcript():
    """The certificates of the period with their hours and codes, and the total, as a PDF."""
    form, valid = _period()
    if not valid:
        abort(400)
    chosen = credit.in_period(current_user.id, form.start.data, form.end.data)
    body = credit.transcript_pdf(
        current_user.name,
        chosen,
        form.start.data,
        form.end.data,
        organisation=current_app.config["ORGANISATION_NAME"],
    )
    response = make_response(body)
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = downloads.attachment(
        f"transcript-{clock.today().isoformat()}.pdf"
    )
    return response


@bp.get("/certificates/<code>.pdf")
@login_required
def download_certificate(code):
    """The PDF, for its learner and for the managers whose departments cover them."""
    certificate = certificates.by_code(code)
    if certificate is None:
        abort(404)
    if (
        certificate.user_id != current_user.id
        and learner_in_scope(scope_for(current_user), certificate.user_id) is None
    ):
        abort(404)  # 404, not 403: do not confirm that the code exists
    body = certificates.pdf(
        certificate,
        external_url("certificates.verify_certificate", code=certificate.code),
        organisation=current_app.config["ORGANISATION_NAME"],
        logo=credit.current_logo(),
    )
    response = make_response(body)
    response.headers["Content-Type"] = "application/pdf"
    name = downloads.readable_name(certificate.module_title)
    response.headers["Content-Disposition"] = downloads.attachment(
        f"certificate-{name}-{clock.local_date(certificate.issued_at):%Y-%m-%d}.pdf"
    )
    return response


@bp.get("/verify/<code>")
def verify_certificate(code):
    """Public: name, module, date and standing today; nothing else (no email, score,
    department, nor the retraining reason)."""
    certificate = certificates.by_code(code)
    if certificate is None:
        return render_template("certificates/verify.html", certificate=None), 404
    response = make_response(
        render_template(
            "certificates/verify.html",
            certificate=certificate,
            standing=certificates.standing(certificate),
            hours=credit.hours_text(certificate.contact_hours_hundredths),
        )
    )
    response.headers["X-Robots-Tag"] = "noindex"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
