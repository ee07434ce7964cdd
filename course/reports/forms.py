from datetime import date

from flask_wtf import FlaskForm
from sqlalchemy import func, select
from wtforms import (
    DateField,
    IntegerField,
    RadioField,
    SearchField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from ..extensions import db
from ..form_fields import MultiCheckboxField, int_or_none, select_choices
from ..models import User
from ..security import MAX_ID
from ..services import assignment_rules, assignments, audit_log, clock, notifications, reports
from ..services.scope import PEOPLE, Scope, departments
from ..templating import date_text


class ReportFilters:
    """What every report's filter form shares, read from the query string (GET: no CSRF
    token): the department (the viewer's scope), status (`LEGEND`), due range, order and page
    filters, and the filters as URL arguments in `QUERY`'s order. Mixed into a FlaskForm that
    adds its own filters and a `sort` field."""

    #: The report's statuses: (status, label, meaning) triples.
    LEGEND: tuple = ()
    #: The query parameters, in the order URLs carry them.
    QUERY: tuple[str, ...] = ()

    class Meta:
        csrf = False

    department = SelectField("Department", coerce=int_or_none, validators=[Optional()])
    status = SelectField("Status", default="", validators=[Optional()])
    due_from = DateField("Due from", validators=[Optional()])
    due_to = DateField("Due to", validators=[Optional()])
    order = SelectField(
        "Order",
        choices=select_choices([("asc", "Ascending"), ("desc", "Descending")]),
        default="asc",
        validators=[Optional()],
    )
    page = IntegerField("Page", default=1, validators=[Optional(), NumberRange(min=1)])

    def __init__(self, formdata, scope: Scope, **kwargs):
        super().__init__(formdata=formdata, **kwargs)
        self.department.choices = select_choices(
            [(None, "All departments")] + [(d.id, d.name) for d in departments(scope)]
        )
        self.status.choices = select_choices(
            [("", "Any status")] + [(s.value, label) for s, label, _ in self.LEGEND]
        )

    def validate_due_to(self, field):
        if field.data and self.due_from.data and field.data < self.due_from.data:
            raise ValidationError("The end of the range is before its start.")

    def query_args(self, **changes) -> dict:
        """The filters as URL arguments (sort links, pages, downloads): {name: text}. The sort
        and order always; any other filter only when set to other than its default."""
        args = {}
        for name in self.QUERY:
            field = self[name]
            value = field.data
            if isinstance(value, date):
                value = value.isoformat()
            elif isinstance(value, str):
                value = value.strip()
            if name in ("sort", "order"):
                args[name] = value or field.default
            elif value not in (None, "", field.default):
                args[name] = value
        args.update(changes)
        return {k: v for k, v in args.items() if v not in (None, "")}


class ReportFilterForm(ReportFilters, FlaskForm):
    """The report's filters, read from the query string (GET: no CSRF token needed).

    Every query parameter of the report page, its downloads and the API is a field of this
    form or of a subclass below, so each is refused the same way: a 400 naming the field.
    """

    LEGEND = reports.LEGEND
    QUERY = ("q", "department", "job_title", "module", "status", "people", "due_from", "due_to")
    QUERY += ("sort", "order")

    q = SearchField(
        "Learner",
        description="Part of a name or email, or an employee id.",
        validators=[Optional(), Length(max=120, message="Use at most 120 characters.")],
    )
    job_title = SelectField("Job title", default="", validators=[Optional()])
    module = SelectField("Module", coerce=int_or_none, validators=[Optional()])
    people = SelectField(
        "People",
        choices=select_choices(PEOPLE.items()),
        default="active",
        description="Leavers (deactivated accounts) stay in the record.",
        validators=[Optional()],
    )
    sort = SelectField(
        "Sort by",
        choices=select_choices((c.key, c.heading) for c in reports.COLUMNS if c.sortable),
        default="learner",
        filters=[lambda value: reports.SORT_ALIASES.get(value, value)],
        validators=[Optional()],
    )

    def __init__(self, formdata, scope: Scope, **kwargs):
        super().__init__(formdata, scope, **kwargs)
        self.job_title.choices = select_choices(
            [("", "Any job title")] + [(t, t) for t in reports.job_titles(scope)]
        )
        self.module.choices = select_choices([(None, "All modules")] + reports.module_titles())

    def filters(self) -> reports.Filters:
        return reports.Filters(
            department_id=self.department.data,
            module_id=self.module.data,
            status=reports.Status(self.status.data) if self.status.data else None,
            due_from=self.due_from.data,
            due_to=self.due_to.data,
            job_title=self.job_title.data or None,
            search=(self.q.data or "").strip(),
            people=self.people.data or "active",
        )

    def described(self) -> list[str]:
        """The filters in words, for the printed report's header ("Department: Ward B")."""

        def chosen(field) -> str:
            value = "" if field.data is None else str(field.data)
            return next((c.label for c in field.choices if c.value == value), value)

        due = "any"
        if self.due_from.data or self.due_to.data:
            start = date_text(self.due_from.data) if self.due_from.data else "any date"
            end = date_text(self.due_to.data) if self.due_to.data else "any date"
            due = f"{start} to {end}"
        search = (self.q.data or "").strip()
        return [
            *([f"Learner: {search}"] if search else []),
            f"Department: {chosen(self.department)}",
            *([f"Job title: {self.job_title.data}"] if self.job_title.data else []),
            f"Module: {chosen(self.module)}",
            f"Status: {chosen(self.status)}",
            f"People: {chosen(self.people)}",
            f"Due: {due}",
            f"Sorted by {chosen(self.sort).lower()}, {chosen(self.order).lower()}",
        ]


class EvidenceFilterForm(ReportFilterForm):
    """The evidence download's parameters: the report's filters, or one learner."""

    learner = IntegerField(
        "Learner",
        validators=[Optional(), NumberRange(1, MAX_ID, "Not a learner's number.")],
    )


class ApiPaging:
    """An API's page size, mixed into a report's filter form."""

    #: The most rows one API page holds.
    MAX_PER_PAGE = 500

    per_page = IntegerField(
        "Rows per page",
        validators=[
            Optional(),
            NumberRange(1, MAX_PER_PAGE, f"Enter a number of rows from 1 to {MAX_PER_PAGE}."),
        ],
    )


class ApiReportForm(ApiPaging, ReportFilterForm):
    """The API's parameters: the report's filters and the page size."""


class TargetForm(FlaskForm):
    """Who an assignment is for (a whole department or named learners) and by when: the part
    the module and policy assignment forms share. Subclasses add `due_on` and what is assigned;
    `user_ids` holds the named learners once validated."""

    target = RadioField(
        "Assign to",
        choices=select_choices(
            [("department", "A whole department"), ("learners", "Named learners")]
        ),
        default="department",
        validators=[InputRequired("Choose who it is for.")],
    )
    # No Optional(): validate_department must run when the field is empty.
    department = SelectField("Department", coerce=int_or_none)
    learners = TextAreaField(
        "Learners' emails",
        description="One email address per line; only people in your departments.",
        validators=[Length(max=20000)],
    )

    def __init__(self, scope: Scope, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.scope = scope
        self.user_ids: list[int] = []
        self.department.choices = select_choices(
            [(None, "Choose a department")] + [(d.id, d.name) for d in departments(scope)]
        )

    def validate_due_on(self, field):
        if field.data and field.data < clock.today():
            raise ValidationError("The due date is in the past; choose today or a later day.")

    def validate_department(self, field):
        if self.target.data == "department" and field.data is None:
            raise ValidationError("Choose the department.")

    def validate_learners(self, field):
        if self.target.data != "learners":
            return
        emails = [line.strip().lower() for line in (field.data or "").splitlines() if line.strip()]
        if not emails:
            raise ValidationError("Enter at least one learner's email.")
        found = dict(
            db.session.execute(
                select(func.lower(User.email), User).where(func.lower(User.email).in_(emails))
            ).all()
        )
        unknown = [
            e for e in emails if e not in found or not self.scope.covers(found[e].department_id)
        ]
        if unknown:
            raise ValidationError(
                "Not a learner in your departments: "
                + ", ".join(unknown[:10])
                + (" …" if len(unknown) > 10 else "")
            )
        self.user_ids = [found[e].id for e in emails]


class AssignmentForm(TargetForm):
    """Assign modules by a due date, with recertification, grace period and reminders."""

    modules = MultiCheckboxField(
        "Modules", coerce=int, validators=[DataRequired("Choose at least one module.")]
    )
    due_on = DateField("Due date", validators=[InputRequired("Choose a due date.")])
    recert_months = IntegerField(
        "Recertify every (months)",
        description="Optional. After this many months a completion expires and is due again.",
        validators=[Optional(), NumberRange(1, 120, "Enter a number of months from 1 to 120.")],
    )
    grace_days = IntegerField(
        "Newcomers' grace period (days)",
        default=assignments.DEFAULT_GRACE_DAYS,
        description="Someone who joins the department later is due no earlier than this many "
        "days after joining. Empty: 30.",
        validators=[
            Optional(),
            NumberRange(
                0,
                assignments.MAX_GRACE_DAYS,
                f"Enter a number of days from 0 to {assignments.MAX_GRACE_DAYS}.",
            ),
        ],
    )
    remind_before = StringField(
        "Remind before the due date (days)",
        default=assignments.DEFAULT_REMIND_BEFORE.replace(",", ", "),
        description="Learners who have not completed get a reminder this many days before "
        "the due date, for example 7, 1. Leave empty for none.",
        validators=[Length(max=40)],
    )
    overdue_every = IntegerField(
        "Once overdue, remind every (days)",
        default=assignments.DEFAULT_OVERDUE_EVERY,
        description="Empty: every 7 days.",
        validators=[Optional(), NumberRange(1, 90, "Enter a number of days from 1 to 90.")],
    )
    overdue_times = IntegerField(
        "Overdue reminders at most (times)",
        default=assignments.DEFAULT_OVERDUE_TIMES,
        description="0 sends none; empty: 3. Learners cannot turn reminders for assigned "
        "training off; this schedule is how you set them.",
        validators=[
            Optional(),
            NumberRange(0, assignments.MAX_OVERDUE_TIMES, "Enter a number from 0 to 10."),
        ],
    )

    def __init__(self, scope: Scope, *args, **kwargs):
        super().__init__(scope, *args, **kwargs)
        self.modules.choices = select_choices(reports.module_titles(assignable=True))

    def schedule(self) -> dict:
        """The grace period and reminder schedule as assignments.assign takes them (empty
        fields: defaults)."""
        every, times = self.overdue_every.data, self.overdue_times.data
        grace = self.grace_days.data
        return {
            "grace_days": assignments.DEFAULT_GRACE_DAYS if grace is None else grace,
            "remind_before": self.remind_before.data or "",
            "overdue_every": assignments.DEFAULT_OVERDUE_EVERY if every is None else every,
            "overdue_times": assignments.DEFAULT_OVERDUE_TIMES if times is None else times,
        }

    def validate_remind_before(self, field):
        try:
            field.data = assignments.reminder_days(field.data or "")
        except assignments.AssignmentError as error:
            raise ValidationError(str(error)) from None


class TokenForm(FlaskForm):
    name = StringField(
        "Token name",
        description="What will use it, e.g. 'HR system'.",
        validators=[DataRequired("Give the token a name."), Length(max=80)],
    )


class RevokeForm(FlaskForm):
    """Only the CSRF token."""


class DigestForm(FlaskForm):
    """A manager's weekly digest: a weekday, or off."""

    weekday = SelectField(
        "Weekly digest",
        choices=select_choices(
            [("off", "Off: no digest")] + list(enumerate(notifications.WEEKDAYS))
        ),
        description="Each department you manage: counts by status, who is overdue, "
        "certificates expiring in 30 days, with the report as a CSV file.",
        validators=[InputRequired()],
    )

    def choice(self) -> int | None:
        return None if self.weekday.data == "off" else int(self.weekday.data)


class AuditFilterForm(FlaskForm):
    """The audit log's filters, read from the query string (GET: no CSRF token needed)."""

    class Meta:
        csrf = False

    person = SearchField(
        "Who",
        description="Part of the name or email of the person who acted.",
        validators=[Optional(), Length(max=120, message="Use at most 120 characters.")],
    )
    action = SelectField("Action", default="", validators=[Optional()])
    target = StringField(
        "Target",
        description="What was changed, e.g. user:12, or a kind alone: user, assignment.",
        validators=[Optional(), Length(max=80, message="Use at most 80 characters.")],
    )
    date_from = DateField("From", validators=[Optional()])
    date_to = DateField("To", validators=[Optional()])
    page = IntegerField("Page", default=1, validators=[Optional(), NumberRange(min=1)])

    def __init__(self, formdata, actions: list[str], **kwargs):
        super().__init__(formdata=formdata, **kwargs)
        self.action.choices = select_choices([("", "Any action")] + [(a, a) for a in actions])

    def validate_date_to(self, field):
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError("The end of the range is before its start.")

    def filters(self, viewer_id: int | None = None) -> audit_log.Filters:
        return audit_log.Filters(
            viewer_id=viewer_id,
            person=(self.person.data or "").strip(),
            action=self.action.data or "",
            target=(self.target.data or "").strip(),
            date_from=self.date_from.data,
            date_to=self.date_to.data,
        )

    def query_args(self, **changes) -> dict:
        """The filters as URL arguments (for pages and the export link)."""
        args = {
            "person": (self.person.data or "").strip(),
            "action": self.action.data or None,
            "target": (self.target.data or "").strip(),
            "date_from": self.date_from.data.isoformat() if self.date_from.data else None,
            "date_to": self.date_to.data.isoformat() if self.date_to.data else None,
        }
        args.update(changes)
        return {k: v for k, v in args.items() if v not in (None, "")}


class ChangeAssignmentForm(FlaskForm):
    """An assignment's due date and recertification interval."""

    due_on = DateField("Due date", validators=[InputRequired("Choose a due date.")])
    recert_months = IntegerField(
        "Recertify every (months)",
        description="Optional. After this many months a completion expires and is due again; "
        "leave empty for never.",
        validators=[Optional(), NumberRange(1, 120, "Enter a number of months from 1 to 120.")],
    )


class WithdrawForm(FlaskForm):
    """Only the CSRF token: the confirmation page's button."""


class RuleForm(FlaskForm):
    """An assignment rule: who (a department and/or a job title, or everyone), which modules,
    due how many days after hire or joining, recertified how often.

    A manager chooses one of their departments; an admin may choose "every department"."""

    modules = MultiCheckboxField(
        "Modules", coerce=int, validators=[DataRequired("Choose at least one module.")]
    )
    # No Optional(): validate_department must run when the field is empty.
    department = SelectField("Department", coerce=int_or_none)
    job_title = StringField(
        "Job title",
        description="Optional, for example Registered Nurse (any capitalisation matches). "
        "Empty: everyone in the department.",
        validators=[Length(max=120, message="Use at most 120 characters.")],
    )
    due_days = IntegerField(
        "Due within (days)",
        description="Days after the person's hire date or the day the rule starts applying "
        "to them (joining the department or taking the job title), whichever is later.",
        validators=[
            InputRequired("Enter a number of days."),
            NumberRange(
                0,
                assignment_rules.MAX_DUE_DAYS,
                f"Enter a number of days from 0 to {assignment_rules.MAX_DUE_DAYS}.",
            ),
        ],
    )
    recert_months = IntegerField(
        "Recertify every (months)",
        description="Optional. After this many months a completion expires and is due again; "
        "12 for yearly.",
        validators=[Optional(), NumberRange(1, 120, "Enter a number of months from 1 to 120.")],
    )

    def __init__(self, scope: Scope, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.scope = scope
        self.modules.choices = select_choices(reports.module_titles(assignable=True))
        first = (
            (None, "Every department (admins only)")
            if scope.everyone
            else (None, "Choose a department")
        )
        self.department.choices = select_choices(
            [first] + [(d.id, d.name) for d in departments(scope)]
        )
        # The titles people in scope already have, offered as suggestions (rule.html).
        self.job_title.render_kw = {"list": "job-titles", "autocomplete": "off"}

    def validate_department(self, field):
        if field.data is None and not self.scope.everyone:
            raise ValidationError("Choose one of your departments.")


class ChangeRuleForm(FlaskForm):
    """A rule's due days and recertification interval."""

    due_days = RuleForm.due_days
    recert_months = RuleForm.recert_months


class ExemptionForm(FlaskForm):
    """Exempt a learner from an assigned module: why (required) and until when (optional)."""

    reason = TextAreaField(
        "Reason",
        description="Shown with the row in the report and its files, and to the learner.",
        validators=[
            DataRequired("Give the reason for the exemption."),
            Length(max=500, message="Use at most 500 characters."),
        ],
    )
    ends_on = DateField(
        "Exempt until (optional)",
        description="The last day of the exemption; the day after, the module is due as "
        "before. Leave empty for an exemption without end.",
        validators=[Optional()],
    )


class LiftExemptionForm(FlaskForm):
    """Only the CSRF token: the button that ends an exemption now."""
