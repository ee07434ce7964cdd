"""The policy report's filters and the form asking people to sign policies (managers)."""

from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    SelectField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Optional,
)

from ..form_fields import MultiCheckboxField, int_or_none, select_choices
from ..services import policies, policy_status
from ..services.scope import Scope
from .forms import ApiPaging, ReportFilters, TargetForm


class PolicyReportFilterForm(ReportFilters, FlaskForm):
    """The policy report's filters, read from the query string, as the completion report's."""

    LEGEND = policy_status.LEGEND
    QUERY = ("department", "policy", "status", "due_from", "due_to", "sort", "order")

    policy = SelectField("Policy", coerce=int_or_none, validators=[Optional()])
    sort = SelectField(
        "Sort by",
        choices=select_choices(policy_status.SORTS.items()),
        default="learner",
        validators=[Optional()],
    )

    def __init__(self, formdata, scope: Scope, **kwargs):
        super().__init__(formdata, scope, **kwargs)
        self.policy.choices = select_choices(
            [(None, "All policies")] + [(p.id, p.title) for p in policies.published_policies()]
        )

    def filters(self) -> policy_status.Filters:
        return policy_status.Filters(
            department_id=self.department.data,
            policy_id=self.policy.data,
            status=policy_status.SignStatus(self.status.data) if self.status.data else None,
            due_from=self.due_from.data,
            due_to=self.due_to.data,
        )


class ApiPolicyReportForm(ApiPaging, PolicyReportFilterForm):
    """The policy API's parameters: the page's filters and the page size."""


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
