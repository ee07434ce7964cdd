from flask import abort, make_response, render_template
from flask_login import current_user, login_required

from .. import downloads
from ..models.types import utcnow
from ..security import external_url
from ..services import certificates, clock
from ..services.scope import learner_in_scope, scope_for
from . import bp


@bp.get("/certificates")
@login_required
def list_certificates():
    held = certificates.of_learner(current_user.id)
    return render_template(
        "certificates/list.html",
        certificates=held,
        standings=certificates.standings(held),
        printed_at=utcnow(),
    )


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
        certificate, external_url("certificates.verify_certificate", code=certificate.code)
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
        )
    )
    response.headers["X-Robots-Tag"] = "noindex"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
