"""Due dates: each learner's effective assignment of each module, kept on ModuleProgress.

Assignments reach a learner directly or through their department. What counts for a
(learner, module) is the earliest due date and the shortest recertification interval among
the assignments that reach them; `refresh_due` copies that onto the learner's ModuleProgress
row, where the report's status rule reads it.
"""

from collections.abc import Iterable

from sqlalchemy import Date, and_, case, delete, func, literal, or_, select, true, union_all, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement

from ..extensions import db
from ..models import Assignment, ModuleProgress, ProgressStatus, User


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


def refresh_due(
    user_ids: Iterable[int] | None = None, department_ids: Iterable[int] | None = None
) -> None:
    """Copy each learner's effective assignment onto their ModuleProgress rows.

    For every (learner, module) their own or their department's assignments reach: the
    earliest due date and the shortest recertification interval (none: a completion never
    expires), creating a not-started row where the learner has none. A department's
    assignment made before the learner joined it is due no earlier than its `grace_days`
    after the day they joined. Rows no longer assigned get NULLs. Call it after anything that
    changes who is assigned what: an assignment created or removed, a learner created or
    moved to another department. Learners: those in user_ids or in department_ids; everyone
    when neither is given. Set-based (three statements, however many learners); the caller
    commits.
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
    reach = union_all(through_department, personal).subquery("reach")
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
    """The shortest recertification interval among the learner's assignments of a module."""
    user = db.session.get(User, user_id)
    reach = Assignment.user_id == user_id
    if user is not None and user.department_id is not None:
        reach = or_(reach, Assignment.department_id == user.department_id)
    return db.session.scalar(
        select(func.min(Assignment.recert_months)).where(Assignment.module_id == module_id, reach)
    )
