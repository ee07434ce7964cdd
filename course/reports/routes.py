from flask import (
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_login import current_user

from .. import downloads, exercises
from ..auth.decorators import role_required
from ..errors import render_error
from ..extensions import db
from ..models import Role, User
from ..models.types import utcnow
from ..saving import save
from ..security import MAX_ID
from ..services import (
    accounts,
    assignment_rules,
    assignments,
    audit_log,
    catalog,
    csvstream,
    evidence,
    exemptions,
    mail,
    notifications,
    paging,
    policies,
    reports,
    tokens,
    workbook,
)
from ..services.scope import PEOPLE, Scope, learner_in_scope, scope_for
from ..templating import time_text
from ..wording import counted
from . import bp
from .forms import (
    AssignmentForm,
    AuditFilterForm,
    ChangeAssignmentForm,
    ChangeRuleForm,
    DigestForm,
    EvidenceFilterForm,
    ExemptionForm,
    LiftExemptionForm,
    ReportFilterForm,
    RevokeForm,
    RuleForm,
    TokenForm,
    WithdrawForm,
)

MANAGERS = (Role.MANAGER, Role.ADMIN)


def _scope() -> Scope:
    return scope_for(current_user)


def _filter_form(scope, form_class=ReportFilterForm) -> ReportFilterForm:
    return form_class(request.args, scope)


def _refused(form):
    """The report page with each refused parameter's message next to its field (400): the
    page and every download refuse a bad query string the same way."""
    return render_template(
        "reports/report.html", form=form, summary=None, page=None, legend=reports.LEGEND
    ), 400


def _sort(form) -> tuple[str, bool]:
    return form.sort.data or "learner", form.order.data == "desc"


@bp.get("/")
@role_required(*MANAGERS)
def show_report():
    scope = _scope()
    form = _filter_form(scope)
    if not form.validate():
        return _refused(form)
    filters = form.filters()
    sort, descending = _sort(form)
    now = utcnow()
    summary = reports.summary(scope, filters, now=now)
    try:
        page = reports.page(
            scope, filters, sort, descending, form.page.data or 1, now=now, counts=summary.counts
        )
    except paging.PageOutOfRangeError as error:
        return render_error(404, str(error))
    return render_template(
        "reports/report.html",
        form=form,
        page=page,
        summary=summary,
        legend=reports.LEGEND,
        people_words=PEOPLE[filters.people].lower(),
        columns=reports.PAGE_COLUMNS,
        with_learner=[c for c in reports.COLUMNS if c.show == "with learner"],
        reasons=reports.reopened_reasons(page.rows),
        no_departments=scope.department_ids == (),
        printed_at=now,
    )


def _download(kind: str, name: str, columns, rows, title: str, described: list[str]):
    """`rows` (lists of the columns' values) as a streamed CSV file or an Excel workbook."""
    if kind == "csv":
        response = Response(
            stream_with_context(csvstream.lines(columns, rows)), mimetype="text/csv"
        )
    else:
        printed = f"Downloaded {time_text(utcnow())} by {current_user.name}"
        body = workbook.write(columns, rows, title, [*described, printed])
        response = Response(workbook.chunks(body), mimetype=workbook.MIME_TYPE)
    response.headers["Content-Disposition"] = downloads.attachment(f"{name}.{kind}")
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/export.<any(csv, xlsx):kind>")
@role_required(*MANAGERS)
def export_report(kind):
    """The report as filtered on screen: same rows (every page), same columns."""
    scope = _scope()
    form = _filter_form(scope)
    if not form.validate():
        return _refused(form)
    sort, descending = _sort(form)
    rows = reports.export_rows(scope, form.filters(), sort, descending)
    stamp = utcnow().strftime("%Y-%m-%d-%H%M")
    return _download(
        kind,
        f"completion-report-{stamp}",
        reports.COLUMNS,
        rows,
        "Completion report",
        form.described(),
    )


@bp.get("/evidence.<any(csv, xlsx):kind>")
@role_required(*MANAGERS)
def export_evidence(kind):
    """Raw evidence (reads, attempts with answers, submissions with findings), for the
    department and module filters, or one learner (?learner=<id>)."""
    scope = _scope()
    form = _filter_form(scope, EvidenceFilterForm)
    if not form.validate():
        return _refused(form)
    learner_id = form.learner.data
    learner = learner_in_scope(scope, learner_id) if learner_id is not None else None
    if learner_id is not None and learner is None:
        abort(404)  # not 403: do not confirm who exists outside the manager's departments
    stamp = utcnow().strftime("%Y-%m-%d-%H%M")
    if learner is not None:
        name, described = (
            f"evidence-learner-{learner_id}-{stamp}",
            [f"Learner: {learner.name} ({learner.email})"],
        )
    else:
        # The evidence follows the department and module filters only.
        name = f"evidence-{stamp}"
        described = [d for d in form.described() if d.startswith(("Department:", "Module:"))]
    rows = evidence.iter_rows(scope, form.filters(), learner_id)
    return _download(kind, name, evidence.COLUMNS, rows, "Evidence", described)


@bp.get("/learners/<int:user_id>")
@role_required(*MANAGERS)
def show_learner(user_id):
    scope = _scope()
    learner = learner_in_scope(scope, user_id)
    if learner is None:
        abort(404)  # not 403: do not confirm who exists outside the manager's departments
    record = evidence.of_learner(learner.id)
    return render_template(
        "reports/learner.html",
        learner=learner,
        assigned=reports.assigned_to(learner.id),
        titles=dict(reports.module_titles()),
        evidence=record,
        lesson_titles=catalog.lesson_titles(read for read, _ in record.reads),
        kinds=exercises.KINDS,
        quiz_answers=evidence.quiz_answers,
        finding_message=exercises.message_for_others,
        labels=reports.LABELS,
        signatures=policies.signatures_of(learner.id),
        printed_at=utcnow(),
    )


@bp.route("/assignments/new", methods=["GET", "POST"])
@role_required(*MANAGERS)
def new_assignment():
    scope = _scope()
    form = AssignmentForm(scope)
    if form.validate_on_submit() and (
        created := save(
            form,
            lambda: assignments.assign(
                current_user.id,
                scope,
                form.modules.data,
                form.due_on.data,
                form.recert_months.data,
                department_id=form.department.data if form.target.data == "department" else None,
                user_ids=form.user_ids if form.target.data == "learners" else None,
                **form.schedule(),
            ),
        )
    ):
        flash(f"{counted(len(created), 'assignment')} saved.", "success")
        return redirect(url_for(".show_report"))
    status = 422 if form.errors or request.method == "POST" else 200
    return render_template(
        "reports/assignment.html", form=form, recent=assignments.recent(scope)
    ), status


@bp.get("/profile")
@role_required(*MANAGERS)
def show_profile():
    return _profile_page(TokenForm())


def _profile_page(form, new_token=None, status=200, digest_form=None):
    if digest_form is None:
        me = db.session.get(User, current_user.id)
        off = mail.opted_out(me.id, "digest")
        digest_form = DigestForm(formdata=None, weekday="off" if off else str(me.digest_weekday))
    return (
        render_template(
            "reports/profile.html",
            form=form,
            digest_form=digest_form,
            revoke_form=RevokeForm(),
            tokens=tokens.tokens_of(current_user),
            expires_at=tokens.expires_at,
            new_token=new_token,
            departments=accounts.managed_departments(current_user.id),
        ),
        status,
        {"Cache-Control": "no-store"},
    )


@bp.post("/profile/digest")
@role_required(*MANAGERS)
def save_digest():
    form = DigestForm()
    if not form.validate_on_submit():
        return _profile_page(TokenForm(formdata=None), status=422, digest_form=form)
    notifications.set_digest(db.session.get(User, current_user.id), form.choice())
    db.session.commit()
    weekday = form.choice()
    flash(
        "Weekly digest turned off."
        if weekday is None
        else f"Your weekly digest comes on {notifications.WEEKDAYS[weekday]}s.",
        "success",
    )
    return redirect(url_for(".show_profile"))


@bp.post("/profile/tokens")
@role_required(*MANAGERS)
def create_token():
    form = TokenForm()
    if not form.validate_on_submit():
        return _profile_page(form, status=422)
    raw, _token = tokens.create(current_user, form.name.data)
    db.session.commit()
    # Shown in this response only (no redirect): the raw token is never stored or flashed.
    response = _profile_page(TokenForm(formdata=None), new_token=raw, status=201)
    return response


@bp.post("/profile/tokens/<int:token_id>/revoke")
@role_required(*MANAGERS)
def revoke_token(token_id):
    if not RevokeForm().validate_on_submit():
        abort(400)
    if not tokens.revoke(current_user, token_id):
        abort(404)
    db.session.commit()
    flash("Token revoked: it no longer opens the API.", "success")
    return redirect(url_for(".show_profile"))


@bp.get("/audit")
@role_required(*MANAGERS)
def show_audit():
    """The audit log: every line for admins, a manager's departments' lines for managers."""
    scope = _scope()
    form = AuditFilterForm(request.args, audit_log.actions(scope, current_user.id))
    if not form.validate():
        return render_template("reports/audit.html", form=form, page=None), 400
    try:
        page = audit_log.page(scope, form.filters(current_user.id), form.page.data or 1)
    except paging.PageOutOfRangeError as error:
        return render_error(404, str(error))
    return render_template("reports/audit.html", form=form, page=page)


@bp.get("/audit.csv")
@role_required(*MANAGERS)
def export_audit():
    """The audit log as filtered on screen, every page, streamed."""
    scope = _scope()
    form = AuditFilterForm(request.args, audit_log.actions(scope, current_user.id))
    if not form.validate():
        abort(400)
    stamp = utcnow().strftime("%Y-%m-%d-%H%M")
    rows = audit_log.iter_rows(scope, form.filters(current_user.id))
    return _download("csv", f"audit-log-{stamp}", audit_log.COLUMNS, rows, "Audit log", [])


@bp.get("/assignments")
@role_required(*MANAGERS)
def list_assignments():
    """Every assignment and assignment rule in the manager's departments (all, for admins)."""
    number = request.args.get("page", 1, type=int)
    if not 1 <= number <= MAX_ID:
        abort(404)
    try:
        page = assignments.listing(_scope(), number)
    except paging.PageOutOfRangeError as error:
        return render_error(404, str(error))
    return render_template(
        "reports/assignments.html", page=page, rules=assignment_rules.listing(_scope())
    )


def _assignment(assignment_id: int):
    row = assignments.assignment_in_scope(_scope(), assignment_id)
    if row is None:
        abort(404)  # not 403: do not confirm what exists outside the manager's departments
    return row


@bp.route("/assignments/<int:assignment_id>", methods=["GET", "POST"])
@role_required(*MANAGERS)
def edit_assignment(assignment_id):
    row = _assignment(assignment_id)
    if request.method == "GET":
        form = ChangeAssignmentForm(
            formdata=None, data={"due_on": row.due_on, "recert_months": row.recert_months}
        )
    else:
        form = ChangeAssignmentForm()
        if form.validate_on_submit() and save(
            form,
            lambda: assignments.change(
                current_user.id,
                _scope(),
                assignment_id,
                form.due_on.data,
                form.recert_months.data,
            ),
        ):
            flash("Assignment saved: due dates in the report and dashboards follow.", "success")
            return redirect(url_for(".list_assignments"))
        row = _assignment(assignment_id)
    return render_template(
        "reports/edit_assignment.html", row=row, form=form
    ), 422 if form.errors else 200


@bp.route("/assignments/<int:assignment_id>/withdraw", methods=["GET", "POST"])
@role_required(*MANAGERS)
def withdraw_assignment(assignment_id):
    """A page of its own asks first (no JavaScript needed); the POST withdraws."""
    row = _assignment(assignment_id)
    form = WithdrawForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        described = save(
            None, lambda: assignments.withdraw(current_user.id, _scope(), assignment_id)
        )
        if described is not None:
            flash(f"Withdrawn: {described}. Completions and certificates are kept.", "success")
        return redirect(url_for(".list_assignments"))
    return render_template("reports/withdraw_assignment.html", row=row, form=form)


# Assignment rules: made, changed and withdrawn from the assignments page -----------------------


def _rule(rule_id: int):
    rule = assignment_rules.rule_in_scope(_scope(), rule_id)
    if rule is None:
        abort(404)  # not 403: do not confirm what exists outside the manager's departments
    return assignment_rules.loaded(rule_id)


@bp.route("/assignments/rules/new", methods=["GET", "POST"])
@role_required(*MANAGERS)
def new_rule():
    scope = _scope()
    form = RuleForm(scope)
    if form.validate_on_submit() and (
        rule := save(
            form,
            lambda: assignment_rules.create(
                current_user.id,
                scope,
                form.modules.data,
                form.due_days.data,
                form.recert_months.data,
                department_id=form.department.data,
                job_title=form.job_title.data,
            ),
        )
    ):
        flash(
            f"Rule saved: {assignment_rules.describe(rule)}. Everyone it matches has it now.",
            "success",
        )
        return redirect(url_for(".list_assignments") + "#rules")
    return render_template(
        "reports/rule.html", form=form, job_titles=reports.job_titles(scope)
    ), 422 if form.errors or request.method == "POST" else 200


@bp.route("/assignments/rules/<int:rule_id>", methods=["GET", "POST"])
@role_required(*MANAGERS)
def edit_rule(rule_id):
    rule = _rule(rule_id)
    if rule.withdrawn_at is not None:
        return render_error(404, "That rule was withdrawn; make a new one instead.")
    if request.method == "GET":
        form = ChangeRuleForm(
            formdata=None, data={"due_days": rule.due_days, "recert_months": rule.recert_months}
        )
    else:
        form = ChangeRuleForm()
        if form.validate_on_submit() and save(
            form,
            lambda: assignment_rules.change(
                current_user.id, _scope(), rule_id, form.due_days.data, form.recert_months.data
            ),
        ):
            flash("Rule saved: due dates in the report and dashboards follow.", "success")
            return redirect(url_for(".list_assignments") + "#rules")
        rule = _rule(rule_id)
    return render_template(
        "reports/edit_rule.html", rule=rule, form=form, described=assignment_rules.describe(rule)
    ), 422 if form.errors else 200


@bp.route("/assignments/rules/<int:rule_id>/withdraw", methods=["GET", "POST"])
@role_required(*MANAGERS)
def withdraw_rule(rule_id):
    """A page of its own asks first (no JavaScript needed); the POST withdraws."""
    rule = _rule(rule_id)
    if rule.withdrawn_at is not None:
        return render_error(404, "That rule was withdrawn already.")
    form = WithdrawForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        described = save(
            None, lambda: assignment_rules.withdraw(current_user.id, _scope(), rule_id)
        )
        if described is not None:
            flash(f"Rule withdrawn: {described}. Completions and certificates are kept.", "success")
        return redirect(url_for(".list_assignments") + "#rules")
    return render_template(
        "reports/withdraw_rule.html",
        rule=rule,
        form=form,
        described=assignment_rules.describe(rule),
    )


# Exemptions ----------------------------------------------------------------------------------


def _exempt_row(user_id: int, module_id: int):
    """The learner (in the manager's scope) and the module assigned to them, else 404."""
    learner = learner_in_scope(_scope(), user_id)
    due = reports.assigned_to(learner.id).get(module_id) if learner is not None else None
    if due is None:
        abort(404)  # not 403: do not confirm who exists outside the manager's departments
    return learner, due


@bp.route("/exemptions/<int:user_id>/<int:module_id>", methods=["GET", "POST"])
@role_required(*MANAGERS)
def edit_exemption(user_id, module_id):
    """Exempt a learner from an assigned module, or change their exemption (reason, end)."""
    learner, due = _exempt_row(user_id, module_id)
    current = exemptions.current(user_id, module_id)
    form = ExemptionForm(
        formdata=None if request.method == "GET" else request.form,
        obj=current if exemptions.holds(current) else None,
    )
    if form.validate_on_submit() and save(
        form,
        lambda: exemptions.grant(
            current_user.id, _scope(), user_id, module_id, form.reason.data, form.ends_on.data
        ),
    ):
        flash(f"{learner.name} is exempt from this module.", "success")
        return redirect(url_for(".show_report", q=learner.email, module=module_id))
    status = 422 if request.method == "POST" else 200
    return render_template(
        "reports/exemption.html",
        form=form,
        lift_form=LiftExemptionForm(formdata=None),
        learner=learner,
        module_title=dict(reports.module_titles([module_id])).get(module_id, ""),
        module_id=module_id,
        due=due,
        current=current if exemptions.holds(current) else None,
    ), status


@bp.post("/exemptions/<int:user_id>/<int:module_id>/lift")
@role_required(*MANAGERS)
def lift_exemption(user_id, module_id):
    """End the learner's exemption now: the row is back to its own status."""
    learner, _ = _exempt_row(user_id, module_id)
    if not LiftExemptionForm().validate_on_submit():
        abort(400)
    if save(None, lambda: exemptions.lift(current_user.id, _scope(), user_id, module_id)):
        flash(f"{learner.name} is no longer exempt from this module.", "success")
    return redirect(url_for(".show_report", q=learner.email, module=module_id))
