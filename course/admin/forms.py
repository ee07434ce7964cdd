"""The admin area's forms: they check what a person typed; the rules live in services.accounts."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    IntegerField,
    PasswordField,
    SearchField,
    SelectField,
    StringField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    EqualTo,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from ..form_fields import MultiCheckboxField, int_or_none, select_choices
from ..models import Role
from ..services import accounts, passwords
from ..uploads import FileSize, UploadForm

ROLE_LABELS = {
    Role.LEARNER: "Learner: takes assigned modules",
    Role.TRAINER: "Trainer: writes and publishes modules",
    Role.MANAGER: "Manager: assigns modules and reads reports for their departments",
    Role.ADMIN: "Admin: manages accounts, departments and roles",
}
STATES = {"active": True, "inactive": False}


def _squash(value):
    """Spaces at the ends dropped, runs of spaces made one (what the services store)."""
    return " ".join(value.split()) if isinstance(value, str) else value


class UserFilterForm(FlaskForm):
    """The account list's search and filters, read from the query string (no CSRF on GET)."""

    class Meta:
        csrf = False

    q = SearchField("Name, email or employee id", validators=[Optional(), Length(max=120)])
    department = SelectField("Department", coerce=int_or_none, validators=[Optional()])
    role = SelectField(
        "Role",
        choices=select_choices([(None, "Any role")] + [(r.value, r.value.title()) for r in Role]),
        default="",
        validators=[Optional()],
    )
    state = SelectField(
        "State",
        choices=select_choices(
            [(None, "Active and deactivated"), ("active", "Active"), ("inactive", "Deactivated")]
        ),  # fmt: skip
        default="",
        validators=[Optional()],
    )
    page = IntegerField("Page", default=1, validators=[Optional(), NumberRange(min=1)])

    def __init__(self, formdata, **kwargs):
        super().__init__(formdata=formdata, **kwargs)
        self.department.choices = select_choices(
            [(None, "All departments"), (accounts.NO_DEPARTMENT, "No department")]
            + [(d.id, d.name) for d in accounts.all_departments()]
        )

    def filters(self) -> accounts.UserFilters:
        return accounts.UserFilters(
            search=(self.q.data or "").strip(),
            department_id=self.department.data,
            role=Role(self.role.data) if self.role.data else None,
            active=STATES.get(self.state.data or ""),
        )

    def query_args(self, **changes) -> dict:
        """The filters as URL arguments, for the page links."""
        args = {
            "q": (self.q.data or "").strip(),
            "department": self.department.data,
            "role": self.role.data,
            "state": self.state.data,
        }
        args.update(changes)
        return {k: v for k, v in args.items() if v not in (None, "")}


class _AccountForm(FlaskForm):
    name = StringField(
        "Full name",
        filters=[_squash],
        validators=[DataRequired("Enter the person's name."), Length(max=120)],
    )
    email = EmailField(
        "Email",
        description="They sign in with it; stored in lower case.",
        filters=[_squash],
        validators=[
            DataRequired("Enter an email address."),
            Email("Enter an email address like name@hospital.org."),
            Length(max=254),
        ],
    )
    employee_id = StringField(
        "Employee id",
        description="Optional. The staff number in the HR system; the staff import matches "
        "people by it. No two accounts share one.",
        filters=[_squash],
        validators=[Length(max=40, message="Use at most 40 characters.")],
    )
    job_title = StringField(
        "Job title",
        description="Optional, for example Registered Nurse. Assignment rules can choose "
        "people by it.",
        filters=[_squash],
        validators=[Length(max=120, message="Use at most 120 characters.")],
    )
    hire_date = DateField(
        "Hire date",
        description="Optional. The day they started.",
        validators=[Optional()],
    )
    department = SelectField("Department", coerce=int_or_none, validators=[Optional()])
    new_department = StringField(
        "Or a new department",
        description="Type a name to create that department; leave empty to use the list above.",
        filters=[_squash],
        validators=[Length(max=120)],
    )
    roles = MultiCheckboxField(
        "Roles",
        choices=select_choices((r.value, label) for r, label in ROLE_LABELS.items()),
    )

    def __init__(self, *args, user_id: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user_id = user_id
        departments = accounts.all_departments()
        self._department_names = {d.id: d.name for d in departments}
        self.department.choices = select_choices(
            [(None, "No department")] + [(d.id, d.name) for d in departments]
        )

    def validate_email(self, field):
        email = accounts.normalise_email(field.data or "")
        if accounts.email_taken(email, except_user_id=self.user_id):
            raise ValidationError(f"Another account already has the email {email}.")

    def validate_employee_id(self, field):
        if accounts.employee_id_taken(field.data, except_user_id=self.user_id):
            raise ValidationError(f"Another account already has the employee id {field.data}.")

    def validate_roles(self, field):
        # Not DataRequired: it would mark every checkbox as required to assistive technology.
        if not field.data:
            raise ValidationError("Choose at least one role.")

    def validate_new_department(self, field):
        if field.data and self.department.data is not None:
            raise ValidationError("Choose a department from the list or type a new one, not both.")

    def department_name(self) -> str | None:
        """The department chosen or typed (an existing one when only the case differs)."""
        if self.new_department.data:
            existing = accounts.department_named(self.new_department.data)
            return existing.name if existing else self.new_department.data
        return self._department_names.get(self.department.data)

    def chosen_roles(self) -> set[Role]:
        return {Role(value) for value in self.roles.data or []}

    def staff_fields(self) -> dict:
        """Employee id, job title and hire date as the account services take them."""
        return {
            "employee_id": self.employee_id.data or None,
            "job_title": self.job_title.data or None,
            "hire_date": self.hire_date.data,
        }


def _new_password(label: str, advice: str = "") -> tuple[PasswordField, PasswordField]:
    """A password with the accounts' length rule, and the same typed again (the service
    then refuses common and guessable ones, next to this field)."""
    length, most = passwords.MIN_LENGTH, passwords.MAX_LENGTH
    password = PasswordField(
        label,
        description=f"At least {length} characters, not a common password or one built from "
        f"the person's name or email.{advice}",
        validators=[
            DataRequired(f"Enter the {label.lower()}."),
            Length(min=length, max=most, message=f"Use {length} to {most} characters."),
        ],
    )
    confirm = PasswordField(
        f"{label} again",
        validators=[
            DataRequired("Type the password again."),
            EqualTo("password", "The two passwords differ."),
        ],
    )
    return password, confirm


class NewUserForm(_AccountForm):
    password, confirm = _new_password("Initial password", " Give it to the person in a safe way.")


class EditUserForm(_AccountForm):
    active = BooleanField(
        "Account active",
        description="Untick to deactivate: the person can no longer sign in and is signed out "
        "at their next request. Their training records and certificates are kept.",
    )
    managed_departments = MultiCheckboxField(
        "Departments they manage",
        coerce=int,
        description="Only for managers: the departments whose reports they read and assign to.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.managed_departments.choices = select_choices(self._department_names.items())

    def validate_managed_departments(self, field):
        if field.data and Role.MANAGER.value not in (self.roles.data or []):
            raise ValidationError(
                "Only a manager manages departments: tick the manager role, or clear these."
            )


class PasswordForm(FlaskForm):
    password, confirm = _new_password("New password")


class DepartmentForm(FlaskForm):
    name = StringField(
        "Department name",
        filters=[_squash],
        validators=[DataRequired("Enter the department's name."), Length(max=120)],
    )

    def __init__(self, *args, department_id: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.department_id = department_id

    def validate_name(self, field):
        same = accounts.department_named(field.data)
        if same is not None and same.id != self.department_id:
            raise ValidationError(f"There is already a department called {same.name}.")


class DeleteForm(FlaskForm):
    """Only the CSRF token."""


class StaffImportForm(UploadForm):
    file = FileField(
        "Staff file",
        description="CSV (UTF-8, comma or semicolon) or Excel .xlsx. First row: the column "
        "names employee_id, email, name, department, job_title, hire_date (YYYY-MM-DD), "
        "roles, active; email and name are required.",
        validators=[
            FileRequired("Choose a file."),
            FileAllowed(["csv", "txt", "xlsx"], "Choose a .csv or .xlsx file."),
            FileSize("IMPORT_MAX_BYTES"),
        ],
    )
    deactivate_missing = BooleanField(
        "Deactivate people missing from the file",
        description="Only for the full staff list from HR: active people with an employee id "
        "who are not in the file are deactivated (never an admin). The preview lists them; "
        "a safety stop holds when too many would go.",
    )


class CompletionsImportForm(UploadForm):
    file = FileField(
        "Completions file",
        description="CSV (UTF-8, comma or semicolon) or Excel .xlsx. First row: the column "
        "names employee_id or email (either identifies the learner), module (its short name "
        "or title), completed_on (YYYY-MM-DD), source (where it was done), note (optional).",
        validators=StaffImportForm.file.kwargs["validators"],
    )


class ApplyImportForm(FlaskForm):
    """Only the CSRF token: the plan itself is kept on the server."""
