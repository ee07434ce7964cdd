"""Assignment rules: modules required of whoever matches a department and/or a job title.

A rule lists nobody. `due_dates.refresh_due` (the one writer of effective due dates) matches
people to the rules in force each time it runs, so a person created, moved to a department or
given a job title gets the rule's modules at once, and a rule's change or withdrawal reaches
its people at once. Managers make rules for their departments; only an admin makes a rule for
every department (a job title anywhere, or everyone).
"""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import aliased, selectinload

from ..extensions import db
from ..models import (
    AssignmentRule,
    Department,
    Module,
    ModuleRevision,
    User,
    assignment_rule_module,
)
from ..models.types import utcnow
from . import audit, clock, due_dates
from .accounts import normalise_job_title
from .assignments import AssignmentError, recert_change
from .scope import Scope

#: A rule's due date: 0 (the day it starts applying) to this many days after.
MAX_DUE_DAYS = 730
MAX_RECERT_MONTHS = 120


def _check(due_days: int, recert_months: int | None) -> None:
    if due_days is None or not 0 <= due_days <= MAX_DUE_DAYS:
        raise AssignmentError(f"Enter a number of days from 0 to {MAX_DUE_DAYS}.", "due_days")
    if recert_months is not None and not 1 <= recert_months <= MAX_RECERT_MONTHS:
        raise AssignmentError(
            f"Enter a number of months from 1 to {MAX_RECERT_MONTHS}.", "recert_months"
        )


def _whom(department: str | None, job_title: str | None) -> str:
    if department and job_title:
        return f"{job_title} in {department}"
    if department:
        return f"everyone in {department}"
    if job_title:
        return f"{job_title} in every department"
    return "everyone"


def _terms(due_days: int, recert_months: int | None) -> str:
    due = f"due {due_days} days after hire or joining"
    return due + (f", recertify every {recert_months} months" if recert_months else "")


def create(
    actor_id: int | None,
    scope: Scope,
    module_ids: list[int],
    due_days: int,
    recert_months: int | None = None,
    department_id: int | None = None,
    job_title: str | None = None,
) -> AssignmentRule:
    """Make a rule and give its modules at once to everyone it matches.

    `department_id` None: any department; `job_title` None or blank: any job title (matched
    without regard to case); both None: everyone (admins only). Due `due_days` (0 to 730)
    days after the later of a person's hire date and the day the rule started applying to
    them; `recert_months` 1 to 120 or None for never. Raises AssignmentError naming the field
    at fault. One audit line "rule.create"; the caller commits.
    """
    module_ids = list(dict.fromkeys(module_ids or []))
    job_title = normalise_job_title(job_title)
    if not module_ids:
        raise AssignmentError("Choose at least one module.", "modules")
    department = None
    if department_id is not None:
        department = db.session.get(Department, department_id)
        if department is None or not scope.covers(department_id):
            raise AssignmentError("You do not manage that department.", "department")
    elif not scope.everyone:
        raise AssignmentError(
            "Choose one of your departments: only an admin makes a rule for every department.",
            "department",
        )
    if job_title is not None and len(job_title) > 120:
        raise AssignmentError("Use at most 120 characters.", "job_title")
    _check(due_days, recert_months)
    modules = list(
        db.session.scalars(
            select(Module).where(
                Module.id.in_(module_ids),
                Module.published_revision_id.is_not(None),
                Module.archived_at.is_(None),
            )
        )
    )
    if len(modules) != len(module_ids):
        raise AssignmentError(
            "Only published modules that are not archived can be assigned.", "modules"
        )
    rule = AssignmentRule(
        department_id=department_id,
        job_title=job_title,
        due_days=due_days,
        recert_months=recert_months,
        starts_on=clock.today(),
        created_by_id=actor_id,
        modules=modules,
    )
    db.session.add(rule)
    db.session.flush()
    _refresh(rule)
    titles = ", ".join(f"module:{m}" for m in sorted(module_ids))
    audit.record(
        actor_id,
        "rule.create",
        f"rule:{rule.id}",
        f"{titles} for {_whom(department.name if department else None, job_title)}, "
        + _terms(due_days, recert_months),
    )
    return rule


def _refresh(rule: AssignmentRule) -> None:
    """Recompute the due dates of everyone the rule can reach (set-based)."""
    if rule.department_id is not None:
        due_dates.refresh_due(department_ids=[rule.department_id])
    elif rule.job_title is not None:
        due_dates.refresh_due(
            user_ids=db.session.scalars(
                select(User.id).where(func.lower(User.job_title) == rule.job_title.lower())
            ).all()
        )
    else:
        due_dates.refresh_due()


def rule_in_scope(scope: Scope, rule_id: int) -> AssignmentRule | None:
    """The rule, if the scope covers it (a manager: rules for their departments); else None."""
    rule = db.session.get(AssignmentRule, rule_id)
    if rule is None or not scope.covers(rule.department_id):
        return None  # a manager's scope never covers None: rules for every department
    return rule


def change(
    actor_id: int | None,
    scope: Scope,
    rule_id: int,
    due_days: int,
    recert_months: int | None,
) -> AssignmentRule:
    """Set a rule's due days and recertification interval; its people's due dates follow.

    Raises AssignmentError for a rule outside the scope or withdrawn, or values out of range
    (naming the field). One audit line "rule.update" saying what changed; the caller commits.
    """
    rule = rule_in_scope(scope, rule_id)
    if rule is None:
        raise AssignmentError("That rule is not in your departments.")
    if rule.withdrawn_at is not None:
        raise AssignmentError("That rule was withdrawn; make a new one instead.")
    _check(due_days, recert_months)
    changes = []
    if due_days != rule.due_days:
        changes.append(f"due {rule.due_days} to {due_days} days after hire or joining")
        rule.due_days = due_days
    if recert_months != rule.recert_months:
        changes.append(recert_change(rule.recert_months, recert_months))
        rule.recert_months = recert_months
    if changes:
        db.session.flush()
        _refresh(rule)
        audit.record(actor_id, "rule.update", f"rule:{rule.id}", "; ".join(changes))
    return rule


def describe(rule: AssignmentRule) -> str:
    """The rule in words: "Module A, Module B for Registered Nurse in Cardiology"."""
    titles = db.session.scalars(
        select(func.coalesce(ModuleRevision.title, Module.slug))
        .select_from(assignment_rule_module)
        .join(Module, Module.id == assignment_rule_module.c.module_id)
        .outerjoin(ModuleRevision, ModuleRevision.id == Module.published_revision_id)
        .where(assignment_rule_module.c.rule_id == rule.id)
        .order_by(func.coalesce(ModuleRevision.title, Module.slug))
    ).all()
    department = rule.department.name if rule.department else None
    return f"{', '.join(titles)} for {_whom(department, rule.job_title)}"


def withdraw(actor_id: int | None, scope: Scope, rule_id: int) -> str:
    """Withdraw a rule: it reaches nobody from now on; returns what was withdrawn, in words.

    The rule's row stays (the record of what was required). Its people's pending requirement
    goes unless an assignment or another rule still asks for it; completions, attempts,
    certificates and evidence stay. One audit line "rule.withdraw"; the caller commits.
    """
    rule = rule_in_scope(scope, rule_id)
    if rule is None:
        raise AssignmentError("That rule is not in your departments.")
    if rule.withdrawn_at is not None:
        raise AssignmentError("That rule was withdrawn already.")
    described = describe(rule)
    rule.withdrawn_at = utcnow()
    rule.withdrawn_by_id = actor_id
    db.session.flush()
    _refresh(rule)
    audit.record(actor_id, "rule.withdraw", f"rule:{rule.id}", described)
    return described


@dataclass(frozen=True)
class RuleRow:
    """A rule as the assignments page lists it."""

    id: int
    module_titles: tuple[str, ...]
    department: str | None
    job_title: str | None
    due_days: int
    recert_months: int | None
    created_by: str | None
    created_at: datetime
    starts_on: date
    withdrawn_at: datetime | None
    #: Whether the viewer may change or withdraw it (in force, and theirs to manage).
    changeable: bool

    @property
    def target(self) -> str:
        """Whom the rule is for, in words."""
        return _whom(self.department, self.job_title)


def _rules_reaching(stmt, scope: Scope):
    """Rules for the scope's departments, and for every department (which reach them too)."""
    if scope.everyone:
        return stmt
    return stmt.where(
        AssignmentRule.department_id.in_(scope.department_ids or (-1,))
        | AssignmentRule.department_id.is_(None)
    )


def listing(scope: Scope) -> list[RuleRow]:
    """Every rule reaching the scope's people: in force first, then withdrawn; newest first.

    A manager also sees an admin's rules for every department (`RuleRow.changeable` False).
    Two statements, however many rules and modules.
    """
    creator = aliased(User)
    stmt = _rules_reaching(
        select(
            AssignmentRule.id,
            AssignmentRule.department_id,
            Department.name.label("department"),
            AssignmentRule.job_title,
            AssignmentRule.due_days,
            AssignmentRule.recert_months,
            creator.name.label("created_by"),
            AssignmentRule.created_at,
            AssignmentRule.starts_on,
            AssignmentRule.withdrawn_at,
        )
        .outerjoin(Department, Department.id == AssignmentRule.department_id)
        .outerjoin(creator, creator.id == AssignmentRule.created_by_id)
        .order_by(AssignmentRule.withdrawn_at.is_not(None), AssignmentRule.id.desc()),
        scope,
    )
    rows = db.session.execute(stmt).all()
    titles: dict[int, list[str]] = {}
    title = func.coalesce(ModuleRevision.title, Module.slug)
    for rule_id, text in db.session.execute(
        select(assignment_rule_module.c.rule_id, title)
        .join(Module, Module.id == assignment_rule_module.c.module_id)
        .outerjoin(ModuleRevision, ModuleRevision.id == Module.published_revision_id)
        .where(assignment_rule_module.c.rule_id.in_([r.id for r in rows] or [-1]))
        .order_by(title)
    ):
        titles.setdefault(rule_id, []).append(text)
    return [
        RuleRow(
            id=r.id,
            module_titles=tuple(titles.get(r.id, ())),
            department=r.department,
            job_title=r.job_title,
            due_days=r.due_days,
            recert_months=r.recert_months,
            created_by=r.created_by,
            created_at=r.created_at,
            starts_on=r.starts_on,
            withdrawn_at=r.withdrawn_at,
            changeable=r.withdrawn_at is None and scope.covers(r.department_id),
        )
        for r in rows
    ]


def loaded(rule_id: int) -> AssignmentRule | None:
    """The rule with its modules and department loaded, for a page that shows it."""
    return db.session.scalar(
        select(AssignmentRule)
        .options(
            selectinload(AssignmentRule.modules).selectinload(Module.published),
            selectinload(AssignmentRule.department),
        )
        .where(AssignmentRule.id == rule_id)
    )
