from flask import jsonify, request

from ..database import writes_on_get
from ..extensions import db
from ..reports.forms import ApiReportForm
from ..security import external_url
from ..services import paging, reports, tokens
from ..services.scope import scope_for
from . import bp


def _error(status: int, message: str, **extra):
    response = jsonify({"error": message, **extra})
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="social-rounds"'
    return response


@bp.after_request
def no_store(response):
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/report")
@writes_on_get  # notes the token's last use
def get_report():
    """The completion report as JSON: the same rows, statuses and filters as the page."""
    header = request.headers.get("Authorization", "")
    raw = header[7:].strip() if header[:7].lower() == "bearer " else None
    try:
        user = tokens.authenticate(raw)
    except tokens.TokenError as error:
        return _error(401, str(error))
    db.session.commit()  # the token's last use; the rest only reads
    scope = scope_for(user)
    form = ApiReportForm(request.args, scope)
    if not form.validate():
        return _error(400, "Some parameters are not valid.", fields=form.errors)
    per_page = form.per_page.data or reports.PER_PAGE
    sort, descending = form.sort.data or "learner", form.order.data == "desc"
    try:
        page = reports.page(scope, form.filters(), sort, descending, form.page.data or 1, per_page)
    except paging.PageOutOfRangeError as error:
        return _error(404, str(error))

    def link(number):
        return external_url("api.get_report", **form.query_args(page=number, per_page=per_page))

    return jsonify(
        {
            "page": page.page,
            "per_page": page.per_page,
            "pages": page.pages,
            "total": page.total,
            "next": link(page.page + 1) if page.page < page.pages else None,
            "previous": link(page.page - 1) if page.page > 1 else None,
            "items": [
                {
                    "learner_id": r.learner_id,
                    "module_id": r.module_id,
                    **{c.key: c.json(getattr(r, c.key)) for c in reports.COLUMNS},
                }
                for r in page.rows
            ],
        }
    )
