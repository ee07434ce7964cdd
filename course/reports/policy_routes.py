"""The policy report, for managers: who signed which version, who has not, who is overdue;
its CSV; asking departments or learners to sign by a due date."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..auth.decorators import role_required
from ..errors import render_error
from ..models.types import utcnow
from ..saving import save
from ..services import paging, policies, policy_status
from ..services.scope import scope_for
from ..wording import counted
from . import bp
from .policy_forms import PolicyAssignmentForm, PolicyReportFilterForm
from .routes import MANAGERS, _download

#: The page's columns: (sort key or None, heading), the CSV's minus the email column.
HEADINGS = [*policy_status.SORTS.items(), (None, "Signatures")]


@bp.get("/policies")
@role_required(*MANAGERS)
def show_policy_report():
    scope = scope_for(current_user)
    form = PolicyReportFilterForm(request.args, scope)
    if not form.validate():
        return render_template(
            "reports/policies.html", form=form, page=None, legend=policy_status.LEGEND
        ), 400
    sort, descending = form.sort.data or "learner", form.order.data == "desc"
    filters = form.filters()
    counts = policy_status.counts(scope, filters)
    try:
        page = policy_status.page(
            scope, filters, sort, descending, form.page.data or 1, by_status=counts
        )
    except paging.PageOutOfRangeError as error:
        return render_error(404, str(error))
    return render_template(
        "reports/policies.html",
        form=form,
        page=page,
        counts=counts,
        legend=policy_status.LEGEND,
        headings=HEADINGS,
        printed_at=utcnow(),
    )


@bp.get("/policies/export.csv")
@role_required(*MANAGERS)
def export_policy_report():
    """The policy report as filtered on screen: every row, every signature."""
    scope = scope_for(current_user)
    form = PolicyReportFilterForm(request.args, scope)
    if not form.validate():
        abort(400)
    sort, descending = form.sort.data or "learner", form.order.data == "desc"
    rows = policy_status.iter_rows(scope, form.filters(), sort, descending)
    stamp = utcnow().strftime("%Y-%m-%d-%H%M")
    return _download(
        "csv",
        f"policy-report-{stamp}",
        policy_status.CSV_COLUMNS,
        map(policy_status.csv_row, rows),
        "Policy signatures",
        [],
    )


@bp.route("/policies/assign", methods=["GET", "POST"])
@role_required(*MANAGERS)
def new_policy_assignment():
    scope = scope_for(current_user)
    form = PolicyAssignmentForm(scope)
    if form.validate_on_submit() and (
        created := save(
            form,
            lambda: policies.assign(
                current_user.id,
                scope,
                form.policies.data,
                form.due_on.data,
                department_id=form.department.data if form.target.data == "department" else None,
                user_ids=form.user_ids if form.target.data == "learners" else None,
            ),
        )
    ):
        flash(f"{counted(len(created), 'policy assignment')} saved.", "success")
        return redirect(url_for(".show_policy_report"))
    status = 422 if request.method == "POST" else 200
    return render_template("reports/policy_assignment.html", form=form), status
