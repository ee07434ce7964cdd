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


def _listing(form, page: paging.Page, items: list) -> dict:
    """One page as the API writes every list: counts, links to the pages around, items."""

    def link(number):
        return external_url(
            request.endpoint, **form.query_args(page=number, per_page=page.per_page)
        )

    return {
        "page": page.page,
        "per_page": page.per_page,
        "pages": page.pages,
        "total": page.total,
        "next": link(page.page + 1) if page.page < page.pages else None,
        "previous": link(page.page - 1) if page.page > 1 else None,
        "items": items,
    }


def _report_page(form_class, rows_page, per_page: int, item):
    """A report as JSON, as its page shows it: the token owner's scope, the form's filters,
    sort and paging (`rows_page(scope, filters, sort, descending, page, per_page)`), each row
    as `item(row)`; refusals as JSON errors (401 token, 400 parameters, 404 page)."""
    try:
        user = _token_user()
    except tokens.TokenError as error:
        return _error(401, str(error))
    scope = scope_for(user)
    form = form_class(request.args, scope)
    if not form.validate():
        return _error(400, "Some parameters are not valid.", fields=form.errors)
    sort, descending = form.sort.data or "learner", form.order.data == "desc"
    try:
        page = rows_page(
            scope,
            form.filters(),
            sort,
            descending,
            form.page.data or 1,
            form.per_page.data or per_page,
        )
    except paging.PageOutOfRangeError as error:
        return _error(404, str(error))
    return jsonify(_listing(form, page, [item(row) for row in page.rows]))


def _report_item(row) -> dict:
    return {
        "learner_id": row.learner_id,
        "module_id": row.module_id,
        **{c.key: c.json(getattr(row, c.key)) for c in reports.COLUMNS},
    }


@bp.get("/report")
@writes_on_get  # notes the token's last use
def get_report():
    """The completion report as JSON: the same rows, statuses and filters as the page."""
    return _report_page(ApiReportForm, reports.page, reports.PER_PAGE, _report_item)


@bp.get("/policies")
@writes_on_get  # notes the token's last use
def get_policy_report():
    """The policy report as JSON: the rows, statuses, signatures and filters of its page."""
    return _report_page(
        ApiPolicyReportForm, policy_status.page, policy_status.PER_PAGE, policy_status.api_item
    )
