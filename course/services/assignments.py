"""Assignments: managers require published modules of a department or of named learners."""

from collections.abc import Iterable
from datetime import date

from sqlalchemy import delete, func, literal, or_, select, true, union_all, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ..extensions import db
from ..models import Assignment, Department, Module, ModuleProgress, ProgressStatus, Role, User
from . import audit, clock
from .reports import Scope


class AssignmentError(ValueError):
    """An assignment the rules refuse; the message says why."""


def assign(
    actor_id: int,
    scope: Scope,
    module_ids: list[int],
    due_on: date,
    recert_months: int | None = None,
    department_id: int | None = None,
    user_ids: list[int] | None = None,
) -> list[Assignment]:
    """Assign each module to the department, or to each learner; returns the new assignments.

    The form checks all of this for people; the checks are repeated here because the service
    is the last line before the database (CLI, tests, future callers).
    """
    user_ids = list(dict.fromkeys(user_ids or []))
    if not module_ids:
        raise AssignmentError("Choose at least one module.")
    if (department_id is None) == (not user_ids):
        raise AssignmentError("Assign to a department or to learners, not both or neither.")
    if due_on < clock.today():
        raise AssignmentError("The due date is in the past.")
    if recert_months is not None and not 1 <= recert_months <= 120:
        raise AssignmentError("The recertification interval must be 1 to 120 months.")
    published = set(
        db.session.scalars(
            select(Module.id).where(
                Module.id.in_(module_ids), Module.published_revision_id.is_not(None)
            )
        )
    )
    if published != set(module_ids):
        raise AssignmentError("Only published modules can be assigned.")
    if department_id is not None:
        if db.session.get(Department, department_id) is None or not scope.covers(department_id):
            raise AssignmentError("You do not manage that department.")
        targets = [{"department_id": department_id}]
    else:
        people = db.session.scalars(select(User).where(User.id.in_(user_ids))).all()
        if len(people) != len(user_ids) or not all(scope.covers(u.department_id) for u in people):
            raise AssignmentError("Some of those learners are not in your departments.")
        targets = [{"user_id": uid} for uid in user_ids]
    created = []
    for module_id in module_ids:
        for target in targets:
            row = Assignment(
                module_id=module_id,
                due_on=due_on,
                recert_months=recert_months,
                assigned_by_id=actor_id,
                **target,
            )
            db.session.add(row)
            created.append(row)
    db.session.flush()
    if department_id is not None:
        refresh_due(department_ids=[department_id])
    else:
        refresh_due(user_ids=user_ids)
    for row in created:
        whom = f"department:{row.department_id}" if row.department_id else f"user:{row.user_id}"
        audit.record(
            actor_id,
            "assignment.create",
            f"assignment:{row.id}",
            f"module:{row.module_id} to {whom} due {due_on.isoformat()}"
            + (f", recertify every {recert_months} months" if recert_months else ""),
        )
    db.session.commit()
    return created


def refresh_due(
    user_ids: Iterable[int] | None = None, department_ids: Iterable[int] | None = None
) -> None:
    """Copy each learner's effective assignment onto their ModuleProgress rows.

    For every (learner, module) their own or their department's assignments reach: the earliest
    due date and the shortest recertification interval (none: a completion never expires),
    creating a not-started row where the learner has none. Rows no longer assigned get NULLs.
    Call it after anything that changes who is assigned what: an assignment created or
    removed, a learner created or moved to another department. Learners: those in user_ids or
    in department_ids; everyone when neither is given. Set-based (three statements, however
    many learners); the caller commits.
    """
    who = []
    if user_ids is not None:
        who.append(User.id.in_(list(user_ids) or [-1]))
    if department_ids is not None:
        who.append(User.department_id.in_(list(department_ids) or [-1]))
    learners = select(User.id).where(or_(*who)) if who else select(User.id)
    through_department = (
        select(
            User.id.label("user_id"),
            Assignment.module_id,
            Assignment.due_on,
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


def recent(scope: Scope, limit: int = 20) -> list[Assignment]:
    """The latest assignments a scope covers, newest first, for the assignment page."""
    stmt = select(Assignment).order_by(Assignment.id.desc()).limit(limit)
    if not scope.everyone:
        ids = scope.department_ids or (-1,)
        in_department = select(User.id).where(User.department_id.in_(ids))
        stmt = stmt.where(Assignment.department_id.in_(ids) | Assignment.user_id.in_(in_department))
    return list(db.session.scalars(stmt))


def set_manager(email: str, department_names: list[str], actor_id: int | None = None) -> User:
    """Make a person the manager of exactly these departments (created if new)."""
    from .accounts import get_or_create_department, normalise_email, set_managed_departments

    user = db.session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None:
        raise AssignmentError(f"No account has the email {email}.")
    if not department_names:
        raise AssignmentError("Name at least one department.")
    departments = [get_or_create_department(n, actor_id) for n in department_names]
    set_managed_departments(user, departments, actor_id)
    if not user.has_role(Role.MANAGER):
        from ..models import UserRole

        user.role_rows.append(UserRole(role=Role.MANAGER))
    db.session.commit()
    return user
