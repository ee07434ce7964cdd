from flask import jsonify, request

from ..database import writes_on_get
from ..extensions import db
from ..models import User
from ..reports.forms import ApiReportForm
from ..reports.policy_forms import ApiPolicyReportForm
from ..security import external_url
from ..services import paging, policy_status, reports, tokens
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


def _token_user() -> User:
    """The token's owner (a manager or an admin); raises tokens.TokenError otherwise."""
    header = request.headers.get("Authorization", "")
    raw = header[7:].strip() if header[:7].lower() == "bearer " else None
    user = tokens.authenticate(raw)
    db.session.commit()  # the token's last use; the rest only reads
    return user


def _listing(endpoint: str, form, page: paging.Page, items: list) -> dict:
    """One page as the API writes every list: counts, links to the pages around, items."""

    def link(number):
        return external_url(endpoint, **form.query_args(page=number, per_page=page.per_page))

    return {
        "page": page.page,
        "per_page": page.per_page,
        "pages": page.pages,
        "total": page.total,
        "next": link(page.page + 1) if page.page < page.pages else None,
        "previous": link(page.page - 1) if page.page > 1 else None,
        "items": items,
    }


@bp.get("/report")
@writes_on_get  # notes the token's last use
def get_report():
    """The completion report as JSON: the same rows, statuses and filters as the page."""
    try:
        user = _token_user()
    except tokens.TokenError as error:
        return _error(401, str(error))
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
    items = [
        {
            "learner_id": r.learner_id,
            "module_id": r.module_id,
            **{c.key: c.json(getattr(r, c.key)) for c in reports.COLUMNS},
        }
        for r in page.rows
    ]
    return jsonify(_listing("api.get_report", form, page, items))


@bp.get("/policies")
@writes_on_get  # notes the token's last use
def get_policy_report():
    """The policy report as JSON: the rows, statuses, signatures and filters of its page."""
    try:
        user = _token_user()
    except tokens.TokenError as error:
        return _error(401, str(error))
    scope = scope_for(user)
    form = ApiPolicyReportForm(request.args, scope)
    if not form.validate():
        return _error(400, "Some parameters are not valid.", fields=form.errors)
    per_page = form.per_page.data or policy_status.PER_PAGE
    sort, descending = form.sort.data or "learner", form.order.data == "desc"
    try:
        page = policy_status.page(
            scope, form.filters(), sort, descending, form.page.data or 1, per_page
        )
    except paging.PageOutOfRangeError as error:
        return _error(404, str(error))
    items = [policy_status.api_item(row) for row in page.rows]
    return jsonify(_listing("api.get_policy_report", form, page, items))
