"""Policies, for admins: write a version, publish it, attach it to modules."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..auth.decorators import role_required
from ..extensions import db
from ..models import Policy, Role
from ..policies.forms import AttachForm, ConfirmForm, PolicyVersionForm, PublishForm
from ..saving import refuse, save
from ..services import clock, policies, reports
from . import bp

ADMINS = (Role.ADMIN,)


@bp.get("/policies")
@role_required(*ADMINS)
def list_policies():
    return render_template(
        "admin/policies.html",
        policies=policies.all_policies(),
        signature_counts=policies.signature_counts(),
        draft_of=policies.draft_of,
    )


@bp.route("/policies/new", methods=["GET", "POST"])
@role_required(*ADMINS)
def new_policy():
    form = PolicyVersionForm()
    if request.method == "GET":
        form.effective_on.data = clock.today()
    if form.validate_on_submit():
        policy = save(
            form,
            lambda: policies.create(
                current_user.id,
                form.title.data,
                form.body.data,
                form.effective_on.data,
                form.change_summary.data,
            ),
        )
        if policy is not None:
            flash("Draft saved: read it through, then publish it.", "success")
            return redirect(url_for(".edit_policy", policy_id=policy.id))
    status = 422 if request.method == "POST" else 200
    return render_template("admin/new_policy.html", form=form), status


def _policy_or_404(policy_id: int) -> Policy:
    return db.get_or_404(Policy, policy_id)


def _draft_form(policy: Policy) -> PolicyVersionForm:
    """The draft's form with its stored values."""
    draft = policies.draft_of(policy)
    return PolicyVersionForm(
        formdata=None,
        data={
            "title": draft.title,
            "body": draft.body_markdown,
            "effective_on": draft.effective_on,
            "change_summary": draft.change_summary,
        },
    )


def _policy_page(policy, form=None, publish_form=None, attach_form=None, status=200):
    draft = policies.draft_of(policy)
    if form is None and draft is not None:
        form = _draft_form(policy)
    if attach_form is None:
        attached = [m.id for m in policies.attached_modules(policy.id)]
        attach_form = AttachForm(reports.module_titles(), formdata=None, data={"modules": attached})
    return render_template(
        "admin/policy.html",
        policy=policy,
        draft=draft,
        form=form,
        publish_form=publish_form or PublishForm(formdata=None),
        attach_form=attach_form,
        confirm_form=ConfirmForm(),
    ), status


@bp.route("/policies/<int:policy_id>", methods=["GET", "POST"])
@role_required(*ADMINS)
def edit_policy(policy_id):
    """The policy's versions and its draft (POST saves the draft)."""
    policy = _policy_or_404(policy_id)
    if request.method == "GET":
        return _policy_page(policy)
    form = PolicyVersionForm()
    if form.validate_on_submit() and save(
        form,
        lambda: policies.save_draft(
            current_user.id,
            policy,
            form.title.data,
            form.body.data,
            form.effective_on.data,
            form.change_summary.data,
        ),
    ):
        flash("Draft saved.", "success")
        return redirect(url_for(".edit_policy", policy_id=policy.id))
    return _policy_page(_policy_or_404(policy_id), form=form, status=422)


@bp.post("/policies/<int:policy_id>/draft")
@role_required(*ADMINS)
def start_policy_draft(policy_id):
    policy = _policy_or_404(policy_id)
    if not ConfirmForm().validate_on_submit() or policy.current is None:
        abort(400)
    draft = policies.start_draft(current_user.id, policy)
    db.session.commit()
    flash(f"Version {draft.number} started as a copy of the current one.", "success")
    return redirect(url_for(".edit_policy", policy_id=policy.id))


@bp.post("/policies/<int:policy_id>/publish")
@role_required(*ADMINS)
def publish_policy(policy_id):
    policy = _policy_or_404(policy_id)
    form = PublishForm()
    draft_form = None
    if form.validate_on_submit():
        try:
            version = policies.publish(
                current_user.id,
                policy,
                resign=bool(form.resign.data),
                due_on=form.due_on.data,
                reason=form.reason.data or "",
            )
        except policies.PolicyError as error:
            policy = _policy_or_404(policy_id)
            # The summary of changes is the draft's: its refusal goes next to that field.
            draft_form = _draft_form(policy) if error.field == "change_summary" else None
            refuse(draft_form or form, error)
        else:
            db.session.commit()
            flash(f"Version {version.number} published.", "success")
            return redirect(url_for(".edit_policy", policy_id=policy.id))
    return _policy_page(_policy_or_404(policy_id), form=draft_form, publish_form=form, status=422)


@bp.post("/policies/<int:policy_id>/modules")
@role_required(*ADMINS)
def attach_policy(policy_id):
    policy = _policy_or_404(policy_id)
    form = AttachForm(reports.module_titles())
    if form.validate_on_submit() and (
        save(form, lambda: policies.attach(current_user.id, policy, form.modules.data or []))
        is not None
    ):
        flash("Modules saved.", "success")
        return redirect(url_for(".edit_policy", policy_id=policy.id))
    return _policy_page(_policy_or_404(policy_id), attach_form=form, status=422)
