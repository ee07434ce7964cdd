"""Admin pages: thin views over services.accounts (validate, save, redirect)."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..auth.decorators import role_required
from ..errors import render_error
from ..extensions import db
from ..models import Department, Role, User
from ..saving import save
from ..services import accounts, mfa, paging
from . import bp
from .forms import (
    DeleteForm,
    DepartmentForm,
    EditUserForm,
    NewUserForm,
    PasswordForm,
    UserFilterForm,
)

ADMINS = (Role.ADMIN,)


def _status(form) -> int:
    return 422 if request.method == "POST" else 200


# Accounts ------------------------------------------------------------------------------------


@bp.get("/users")
@role_required(*ADMINS)
def list_users():
    form = UserFilterForm(request.args)
    if not form.validate():
        return render_template("admin/users.html", form=form, page=None), 400
    try:
        page = accounts.list_users(form.filters(), form.page.data or 1)
    except paging.PageOutOfRangeError as error:
        return render_error(404, str(error))
    return render_template("admin/users.html", form=form, page=page)


@bp.route("/users/new", methods=["GET", "POST"])
@role_required(*ADMINS)
def new_user():
    form = NewUserForm()
    if form.validate_on_submit():
        user = save(
            form,
            lambda: accounts.create_user(
                form.email.data,
                form.name.data,
                form.password.data,
                form.chosen_roles(),
                form.department_name(),
                actor_id=current_user.id,
                **form.staff_fields(),
            ),
            "email",
        )
        if user is not None:
            flash(f"Account created for {user.email}.", "success")
            return redirect(url_for(".edit_user", user_id=user.id))
    return render_template("admin/new_user.html", form=form), _status(form)


def _user_data(user: User) -> dict:
    """The edit form's values as stored."""
    return {
        "name": user.name,
        "email": user.email,
        "employee_id": user.employee_id or "",
        "job_title": user.job_title or "",
        "hire_date": user.hire_date,
        "department": user.department_id,
        "roles": sorted(r.value for r in user.roles),
        "active": user.active,
        "managed_departments": [d.id for d in user.managed_departments],
    }


def _edit_page(user: User, form: EditUserForm, password_form: PasswordForm, status: int):
    return render_template(
        "admin/edit_user.html", user=user, form=form, password_form=password_form
    ), status


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@role_required(*ADMINS)
def edit_user(user_id):
    user = db.get_or_404(User, user_id)
    if request.method == "GET":
        form = EditUserForm(formdata=None, user_id=user.id, data=_user_data(user))
        return _edit_page(user, form, PasswordForm(formdata=None), 200)
    form = EditUserForm(user_id=user.id)
    if form.validate_on_submit():
        changes = save(
            form,
            lambda: accounts.update_user(
                user.id,
                name=form.name.data,
                email=form.email.data,
                department=form.department_name(),
                roles=form.chosen_roles(),
                active=form.active.data,
                managed_department_ids=form.managed_departments.data or [],
                actor_id=current_user.id,
                **form.staff_fields(),
            ),
            "email",
        )
        if changes is not None:
            if changes:
                flash(f"Saved {user.name}: {', '.join(changes.changed)}.", "success")
            else:
                flash("Nothing had changed.", "info")
            return redirect(url_for(".edit_user", user_id=user_id))
        user = db.get_or_404(User, user_id)  # read again after a rollback
    return _edit_page(user, form, PasswordForm(formdata=None), 422)


@bp.post("/users/<int:user_id>/password")
@role_required(*ADMINS)
def reset_password(user_id):
    user = db.get_or_404(User, user_id)
    password_form = PasswordForm()
    if password_form.validate_on_submit() and save(
        password_form,
        lambda: accounts.reset_password(user.id, password_form.password.data, current_user.id),
        "password",
    ):
        flash(f"New password set for {user.email}. Give it to them in a safe way.", "success")
        return redirect(url_for(".edit_user", user_id=user_id))
    form = EditUserForm(formdata=None, user_id=user.id, data=_user_data(user))
    return _edit_page(user, form, password_form, 422)


@bp.post("/users/<int:user_id>/mfa-reset")
@role_required(*ADMINS)
def reset_mfa(user_id):
    user = db.get_or_404(User, user_id)
    if DeleteForm().validate_on_submit() and save(
        None, lambda: mfa.reset(user.id, current_user.id)
    ):
        flash(
            f"Two-step sign-in reset for {user.email}: they set it up again next time.", "success"
        )
    return redirect(url_for(".edit_user", user_id=user_id))


# Departments ---------------------------------------------------------------------------------


def _departments_page(form: DepartmentForm, status: int = 200):
    return render_template(
        "admin/departments.html", form=form, departments=accounts.departments_with_counts()
    ), status


@bp.get("/departments")
@role_required(*ADMINS)
def list_departments():
    return _departments_page(DepartmentForm(formdata=None))


@bp.post("/departments")
@role_required(*ADMINS)
def create_department():
    form = DepartmentForm()
    if form.validate_on_submit():
        department = save(
            form, lambda: accounts.create_department(form.name.data, current_user.id), "name"
        )
        if department is not None:
            flash(f"Department {department.name} added.", "success")
            return redirect(url_for(".list_departments"))
    return _departments_page(form, 422)


@bp.route("/departments/<int:department_id>", methods=["GET", "POST"])
@role_required(*ADMINS)
def edit_department(department_id):
    department = db.get_or_404(Department, department_id)
    if request.method == "GET":
        form = DepartmentForm(formdata=None, data={"name": department.name})
    else:
        form = DepartmentForm(department_id=department.id)
        if form.validate_on_submit() and save(
            form,
            lambda: accounts.rename_department(department.id, form.name.data, current_user.id),
            "name",
        ):
            flash(f"Department renamed to {department.name}.", "success")
            return redirect(url_for(".list_departments"))
        department = db.get_or_404(Department, department_id)
    return render_template(
        "admin/edit_department.html",
        department=department,
        form=form,
        delete_form=DeleteForm(formdata=None),
    ), _status(form)


@bp.post("/departments/<int:department_id>/delete")
@role_required(*ADMINS)
def delete_department(department_id):
    db.get_or_404(Department, department_id)
    if not DeleteForm().validate_on_submit():
        abort(400)
    name = save(None, lambda: accounts.delete_department(department_id, current_user.id))
    if name is None:
        return redirect(url_for(".edit_department", department_id=department_id))
    flash(f"Department {name} deleted.", "success")
    return redirect(url_for(".list_departments"))
