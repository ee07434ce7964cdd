"""The policy report's filters and the form asking people to sign policies (managers)."""

from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    IntegerField,
    SelectField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    NumberRange,
    Optional,
    ValidationError,
)

from ..form_fields import MultiCheckboxField, int_or_none, select_choices
from ..services import policies, policy_status
from ..services.scope import Scope, departments
from .forms import ApiReportForm, TargetForm


class PolicyReportFilterForm(FlaskForm):
    """The policy report's filters, read from the query string, as the completion report's."""

    class Meta:
        csrf = False

    department = SelectField("Department", coerce=int_or_none, validators=[Optional()])
    policy = SelectField("Policy", coerce=int_or_none, validators=[Optional()])
    status = SelectField("Status", default="", validators=[Optional()])
    due_from = DateField("Due from", validators=[Optional()])
    due_to = DateField("Due to", validators=[Optional()])
    sort = SelectField(
        "Sort by",
        choices=select_choices(
            [
                ("learner", "Learner"),
                ("department", "Department"),
                ("policy", "Policy"),
                ("due", "Due date"),
                ("status", "Status"),
            ]
        ),
        default="learner",
        validators=[Optional()],
    )
    order = SelectField(
        "Order",
        choices=select_choices([("asc", "Ascending"), ("desc", "Descending")]),
        default="asc",
        validators=[Optional()],
    )
    page = IntegerField("Page", default=1, validators=[Optional(), NumberRange(min=1, max=10**6)])

    def __init__(self, formdata, scope: Scope, **kwargs):
        super().__init__(formdata=formdata, **kwargs)
        self.department.choices = select_choices(
            [(None, "All departments")] + [(d.id, d.name) for d in departments(scope)]
        )
        self.policy.choices = select_choices(
            [(None, "All policies")] + [(p.id, p.title) for p in policies.published_policies()]
        )
        self.status.choices = select_choices(
            [("", "Any status")] + [(s.value, label) for s, label, _ in policy_status.LEGEND]
        )

    def validate_due_to(self, field):
        if field.data and self.due_from.data and field.data < self.due_from.data:
            raise ValidationError("The end of the range is before its start.")

    def filters(self) -> policy_status.Filters:
        return policy_status.Filters(
            department_id=self.department.data,
            policy_id=self.policy.data,
            status=policy_status.SignStatus(self.status.data) if self.status.data else None,
            due_from=self.due_from.data,
            due_to=self.due_to.data,
        )

    def query_args(self, **changes) -> dict:
        """The filters as URL arguments (sort links, pages, the CSV link)."""
        args = {
            "department": self.department.data,
            "policy": self.policy.data,
            "status": self.status.data or None,
            "due_from": self.due_from.data.isoformat() if self.due_from.data else None,
            "due_to": self.due_to.data.isoformat() if self.due_to.data else None,
            "sort": self.sort.data or "learner",
            "order": self.order.data or "asc",
        }
        args.update(changes)
        return {k: v for k, v in args.items() if v not in (None, "")}


class ApiPolicyReportForm(PolicyReportFilterForm):
    """The policy API's parameters: the page's filters and the page size."""

    per_page = IntegerField(
        "Rows per page",
        validators=[
            Optional(),
            NumberRange(
                1,
                ApiReportForm.MAX_PER_PAGE,
                f"Enter a number of rows from 1 to {ApiReportForm.MAX_PER_PAGE}.",
            ),
        ],
    )


class PolicyAssignmentForm(TargetForm):
    """Ask a department or named learners to sign policies by a due date."""

    policies = MultiCheckboxField(
        "Policies", coerce=int, validators=[DataRequired("Choose at least one policy.")]
    )
    due_on = DateField("Sign by", validators=[InputRequired("Choose a due date.")])

    def __init__(self, scope: Scope, *args, **kwargs):
        super().__init__(scope, *args, **kwargs)
        self.policies.choices = select_choices(
            (p.id, p.title) for p in policies.published_policies()
        )
