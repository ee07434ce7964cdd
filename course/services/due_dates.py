"""Due dates: each learner's effective assignment of each module, kept on ModuleProgress.

Assignments reach a learner directly or through their department; assignment rules reach
whoever matches their department and/or job title (or everyone). What counts for a
(learner, module) is the earliest due date and the shortest recertification interval among
the assignments and rules that reach them; `refresh_due` copies that onto the learner's
ModuleProgress row, where the report's status rule reads it. It is the one writer of those
columns.
"""

from collections.abc import Iterable

from sqlalchemy import Date, and_, case, delete, func, literal, or_, select, true, union_all, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement

from ..extensions import db
from ..models import (
    Assignment,
    AssignmentRule,
    ModuleProgress,
    ProgressStatus,
    User,
    assignment_rule_module,
)


class days_after(FunctionElement):  # noqa: N801 (an SQL function's name)
    """SQL: the date `days` days after the date `day` (both columns or values)."""

    type = Date()
    inherit_cache = True
    name = "days_after"


@compiles(days_after, "sqlite")
def _days_after_sqlite(element, compiler, **kw):
    day, days = element.clauses
    return f"date({compiler.process(day, **kw)}, '+' || {compiler.process(days, **kw)} || ' days')"


@compiles(days_after, "postgresql")
def _days_after_postgresql(element, compiler, **kw):
    day, days = element.clauses
    return f"(CAST({compiler.process(day, **kw)} AS DATE) + {compiler.process(days, **kw)})"


class later_of(FunctionElement):  # noqa: N801 (an SQL function's name)
    """SQL: the latest of several dates, none of them NULL (coalesce them first)."""

    type = Date()
    inherit_cache = True
    name = "later_of"


@compiles(later_of, "sqlite")
def _later_of_sqlite(element, compiler, **kw):
    # SQLite stores dates as ISO text, so the text order is the date order.
    return f"max({compiler.process(element.clauses, **kw)})"


@compiles(later_of, "postgresql")
def _later_of_postgresql(element, compiler, **kw):
    return f"GREATEST({compiler.process(element.clauses, **kw)})"


def rule_matches(rule=AssignmentRule, user=User):
    """SQL: the rule is in force and reaches the person (department and job title match)."""
    return and_(
        rule.withdrawn_at.is_(None),
        or_(rule.department_id.is_(None), rule.department_id == user.department_id),
        or_(rule.job_title.is_(None), func.lower(rule.job_title) == func.lower(user.job_title)),
    )


def rule_due_on(rule=AssignmentRule, user=User):
    """SQL: the day a rule's module is due for a person it reaches.

    `due_days` after the later of their hire date and the day the rule started applying to
    them: the rule's first day and, for what the rule matches on, the day they joined the
    department or took the job title (unknown: before the rule, so its first day); for a rule
    for everyone, the day their account was made.
    """
    start = rule.starts_on
    applies_from = later_of(
        start,
        func.coalesce(user.hire_date, start),
        # For a rule for everyone, the day the account was made (UTC's day: nothing else
        # records it); a department or title rule has the organisation's day they joined it.
        case(
            (
                and_(rule.department_id.is_(None), rule.job_title.is_(None)),
                func.coalesce(func.date(user.created_at), start),
            ),
            else_=start,
        ),
        case(
            (rule.department_id.is_not(None), func.coalesce(user.department_since, start)),
            else_=start,
        ),
        case(
            (rule.job_title.is_not(None), func.coalesce(user.job_title_since, start)),
            else_=start,
        ),
    )
    return days_after(applies_from, rule.due_days)


def refresh_due(
    user_ids: Iterable[int] | None = None, department_ids: Iterable[int] | None = None
) -> None:
    """Copy each learner's effective assignment onto their ModuleProgress rows.

    For every (learner, module) their own or their department's assignments, or an assignment
    rule in force that matches them, reach: the earliest due date and the shortest
    recertification interval (none: a completion never expires), creating a not-started row
    where the learner has none. A department's assignment made before the learner joined it
    is due no earlier than its `grace_days` after the day they joined; a rule's due date is
    `rule_due_on`. Rows no longer assigned get NULLs (what the learner did stays). Call it
    after anything that changes who is assigned what: an assignment or rule created, changed
    or withdrawn, a learner created, moved to another department, given another job title or
    hire date. Learners: those in user_ids or in department_ids; everyone when neither is
    given. Set-based (three statements, however many learners); the caller commits.
    """
    who = []
    if user_ids is not None:
        who.append(User.id.in_(list(user_ids) or [-1]))
    if department_ids is not None:
        who.append(User.department_id.in_(list(department_ids) or [-1]))
    learners = select(User.id).where(or_(*who)) if who else select(User.id)
    # Someone who joined the department after the assignment was made gets a grace period.
    joined_later = User.department_since > func.date(Assignment.created_at)
    with_grace = days_after(User.department_since, Assignment.grace_days)
    through_department = (
        select(
            User.id.label("user_id"),
            Assignment.module_id,
            case(
                (and_(joined_later, with_grace > Assignment.due_on), with_grace),
                else_=Assignment.due_on,
            ).label("due_on"),
            Assignment.recert_months,
        )
        .join(Assignment, Assignment.department_id == User.department_id)
        .where(User.id.in_(learners))
    )
    personal = select(
        Assignment.user_id, Assignment.module_id, Assignment.due_on, Assignment.recert_months
    ).where(Assignment.user_id.in_(learners))
    through_rule = (
        select(
            User.id,
            assignment_rule_module.c.module_id,
            rule_due_on(),
            AssignmentRule.recert_months,
        )
        .join(AssignmentRule, rule_matches())
        .join(assignment_rule_module, assignment_rule_module.c.rule_id == AssignmentRule.id)
        .where(User.id.in_(learners))
    )
    reach = union_all(through_department, personal, through_rule).subquery("reach")
    effective = (
        select(
            reach.c.user_id,
            reach.c.module_id,
            literal(ProgressStatus.NOT_STARTED.value),
            literal(0),
            literal(0),
            func.min(reach.c.due_on),
            func.min(reach.c.recert_months),
        )
        # WHERE true: SQLite needs it to parse INSERT ... SELECT ... ON CONFLICT.
        .where(true())
        .group_by(reach.c.user_id, reach.c.module_id)
    )
    mine = ModuleProgress.user_id.in_(learners)
    db.session.execute(
        update(ModuleProgress)
        .where(mine, ModuleProgress.due_on.is_not(None))
        .values(due_on=None, recert_months=None)
        .execution_options(synchronize_session=False)
    )
    insert = pg_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert
    upsert = insert(ModuleProgress).from_select(
        [
            "user_id",
            "module_id",
            "status",
            "lessons_read",
            "exercises_passed",
            "due_on",
            "recert_months",
        ],
        effective,
    )
    db.session.execute(
        upsert.on_conflict_do_update(
            index_elements=["user_id", "module_id"],
            set_={"due_on": upsert.excluded.due_on, "recert_months": upsert.excluded.recert_months},
        )
    )
    # Rows that only held an assignment, now gone, and nothing the learner did.
    db.session.execute(
        delete(ModuleProgress)
        .where(
            mine,
            ModuleProgress.due_on.is_(None),
            ModuleProgress.status == ProgressStatus.NOT_STARTED,
            ModuleProgress.last_activity_at.is_(None),
        )
        .execution_options(synchronize_session=False)
    )
    # Loaded rows would keep the values these statements replaced.
    for instance in list(db.session.identity_map.values()):
        if isinstance(instance, ModuleProgress):
            db.session.expire(instance)


def recert_months_for(user_id: int, module_id: int) -> int | None:
    """The learner's effective recertification interval for a module, in months.

    As `refresh_due` keeps it on their ModuleProgress row (the shortest among the assignments
    and rules reaching them); None: a completion never expires.
    """
    return db.session.scalar(
        select(ModuleProgress.recert_months).where(
            ModuleProgress.user_id == user_id, ModuleProgress.module_id == module_id
        )
    )
