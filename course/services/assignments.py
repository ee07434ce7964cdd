"""Assignments: managers require published modules of a department or of named learners."""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import aliased, selectinload

from ..extensions import db
from ..models import Assignment, Department, Module, ModuleRevision, User
from . import audit, clock, due_dates, notifications
from .paging import Page, offset
from .refusal import RefusalError
from .scope import Scope


class AssignmentError(RefusalError):
    """An assignment the rules refuse; the message says why."""


#: The reminder schedule an assignment gets unless the manager sets another.
DEFAULT_REMIND_BEFORE = "7,1"
DEFAULT_OVERDUE_EVERY = 7
DEFAULT_OVERDUE_TIMES = 3
#: Days a newcomer to a department gets to complete what the department was assigned.
DEFAULT_GRACE_DAYS = 30
MAX_GRACE_DAYS = 365
MAX_OVERDUE_TIMES = 10
MAX_REMIND_BEFORE = 90


def reminder_days(text: str) -> str:
    """The reminder days as stored: "1, 7" -> "7,1".

    Days before the due date, distinct, largest first; "" for none. Raises AssignmentError for
    anything but whole numbers of days from 1 to 90.
    """
    parts = [p.strip() for p in (text or "").split(",") if p.strip()]
    if not all(p.isdigit() and 1 <= int(p) <= MAX_REMIND_BEFORE for p in parts):
        raise AssignmentError(
            f"Reminders before the due date: whole numbers of days from 1 to "
            f"{MAX_REMIND_BEFORE}, separated by commas (for example 7, 1)."
        )
    if len(parts) > 5:
        raise AssignmentError("At most 5 reminders before the due date.")
    return ",".join(str(d) for d in sorted({int(p) for p in parts}, reverse=True))


def assign(
    actor_id: int,
    scope: Scope,
    module_ids: list[int],
    due_on: date,
    recert_months: int | None = None,
    department_id: int | None = None,
    user_ids: list[int] | None = None,
    remind_before: str = DEFAULT_REMIND_BEFORE,
    overdue_every: int = DEFAULT_OVERDUE_EVERY,
    overdue_times: int = DEFAULT_OVERDUE_TIMES,
    grace_days: int = DEFAULT_GRACE_DAYS,
) -> list[Assignment]:
    """Assign each module to the department, or to each learner; returns the new assignments.

    Each learner reached gets a message (notifications.assignments_made); reminders follow
    the schedule: `remind_before` days before the due date (e.g. "7,1"; "" for none), then
    every `overdue_every` days once overdue, at most `overdue_times` times (0: none). Someone
    who joins the department later is due no earlier than `grace_days` after joining.

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
    remind_before = reminder_days(remind_before)
    if not 0 <= grace_days <= MAX_GRACE_DAYS:
        raise AssignmentError(f"The grace period must be 0 to {MAX_GRACE_DAYS} days.")
    if not 1 <= overdue_every <= 90 or not 0 <= overdue_times <= MAX_OVERDUE_TIMES:
        raise AssignmentError(
            f"Overdue reminders: every 1 to 90 days, at most {MAX_OVERDUE_TIMES} times."
        )
    published = set(
        db.session.scalars(
            select(Module.id).where(
                Module.id.in_(module_ids),
                Module.published_revision_id.is_not(None),
                Module.archived_at.is_(None),
            )
        )
    )
    if published != set(module_ids):
        raise AssignmentError("Only published modules that are not archived can be assigned.")
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
                remind_before=remind_before,
                overdue_every=overdue_every,
                overdue_times=overdue_times,
                grace_days=grace_days,
                **target,
            )
            db.session.add(row)
            created.append(row)
    db.session.flush()
    if department_id is not None:
        due_dates.refresh_due(department_ids=[department_id])
    else:
        due_dates.refresh_due(user_ids=user_ids)
    for row in created:
        whom = f"department:{row.department_id}" if row.department_id else f"user:{row.user_id}"
        audit.record(
            actor_id,
            "assignment.create",
            f"assignment:{row.id}",
            f"module:{row.module_id} to {whom} due {due_on.isoformat()}"
            + (f", recertify every {recert_months} months" if recert_months else ""),
        )
    notifications.assignments_made([row.id for row in created])
    return created


def recent(scope: Scope, limit: int = 20) -> list[Assignment]:
    """The latest assignments a scope covers, newest first, for the assignment page."""
    stmt = (
        select(Assignment)
        .options(
            selectinload(Assignment.module).selectinload(Module.published),
            selectinload(Assignment.department),
            selectinload(Assignment.user),
        )
        .order_by(Assignment.id.desc())
        .limit(limit)
    )
    if not scope.everyone:
        ids = scope.department_ids or (-1,)
        in_department = select(User.id).where(User.department_id.in_(ids))
        stmt = stmt.where(Assignment.department_id.in_(ids) | Assignment.user_id.in_(in_department))
    return list(db.session.scalars(stmt))


# The assignments page: list, change, withdraw ---------------------------------------------------

PER_PAGE = 50


@dataclass(frozen=True)
class AssignmentRow:
    """An assignment as the assignments page lists it."""

    id: int
    module_title: str
    department: str | None
    learner: str | None
    due_on: date
    recert_months: int | None
    assigned_by: str | None
    created_at: datetime

    @property
    def target(self) -> str:
        """Whom the assignment is for: the department, or the learner."""
        return self.department or self.learner or "?"


def _in_scope(stmt, scope: Scope):
    if scope.everyone:
        return stmt
    ids = scope.department_ids or (-1,)
    in_department = select(User.id).where(User.department_id.in_(ids))
    return stmt.where(Assignment.department_id.in_(ids) | Assignment.user_id.in_(in_department))


def listing(scope: Scope, number: int = 1, per_page: int = PER_PAGE) -> Page[AssignmentRow]:
    """One page of the assignments a scope covers, newest first, in two statements.

    Raises paging.PageOutOfRangeError past the last page.
    """
    total = db.session.scalar(_in_scope(select(func.count(Assignment.id)), scope)) or 0
    start = offset(number, total, per_page, "there are")
    learner, assigner = aliased(User), aliased(User)
    stmt = (
        select(
            Assignment.id,
            func.coalesce(ModuleRevision.title, Module.slug),
            Department.name,
            learner.name,
            Assignment.due_on,
            Assignment.recert_months,
            assigner.name,
            Assignment.created_at,
        )
        .join(Module, Module.id == Assignment.module_id)
        .outerjoin(ModuleRevision, ModuleRevision.id == Module.published_revision_id)
        .outerjoin(Department, Department.id == Assignment.department_id)
        .outerjoin(learner, learner.id == Assignment.user_id)
        .outerjoin(assigner, assigner.id == Assignment.assigned_by_id)
        .order_by(Assignment.id.desc())
        .limit(per_page)
        .offset(start)
    )
    rows = db.session.execute(_in_scope(stmt, scope))
    return Page([AssignmentRow(*row) for row in rows], total, number, per_page)


def assignment_in_scope(scope: Scope, assignment_id: int) -> Assignment | None:
    """The assignment, if the scope covers it; None otherwise (the caller answers 404)."""
    return db.session.scalar(
        _in_scope(select(Assignment).where(Assignment.id == assignment_id), scope)
    )


def _refresh_target(row: Assignment) -> None:
    if row.department_id is not None:
        due_dates.refresh_due(department_ids=[row.department_id])
    else:
        due_dates.refresh_due(user_ids=[row.user_id])


def change(
    actor_id: int, scope: Scope, assignment_id: int, due_on: date, recert_months: int | None
) -> Assignment:
    """Set an assignment's due date and recertification interval.

    Learners' effective due dates follow at once (due_dates.refresh_due). One audit line saying
    what changed.
    """
    row = assignment_in_scope(scope, assignment_id)
    if row is None:
        raise AssignmentError("That assignment is not in your departments.")
    if recert_months is not None and not 1 <= recert_months <= 120:
        raise AssignmentError(
            "The recertification interval must be 1 to 120 months.", "recert_months"
        )
    if due_on != row.due_on and due_on < clock.today():
        raise AssignmentError("The due date is in the past; choose today or a later day.", "due_on")
    changes = []
    if due_on != row.due_on:
        changes.append(f"due {row.due_on.isoformat()} to {due_on.isoformat()}")
        row.due_on = due_on
    if recert_months != row.recert_months:
        changes.append(recert_change(row.recert_months, recert_months))
        row.recert_months = recert_months
    if changes:
        db.session.flush()
        _refresh_target(row)
        audit.record(actor_id, "assignment.update", f"assignment:{row.id}", "; ".join(changes))
    return row


def withdraw(actor_id: int, scope: Scope, assignment_id: int) -> str:
    """Withdraw an assignment.

    Its learners' pending requirement goes (unless another assignment still reaches them);
    completions, certificates and evidence stay. Returns what was withdrawn, in words, for the
    confirmation message.
    """
    row = assignment_in_scope(scope, assignment_id)
    if row is None:
        raise AssignmentError("That assignment is not in your departments.")
    title = db.session.scalar(
        select(func.coalesce(ModuleRevision.title, Module.slug))
        .select_from(Module)
        .outerjoin(ModuleRevision, ModuleRevision.id == Module.published_revision_id)
        .where(Module.id == row.module_id)
    )
    whom = row.department.name if row.department else row.user.name
    described = f"{title} for {whom}, due {row.due_on.isoformat()}"
    department_id, user_id = row.department_id, row.user_id
    db.session.delete(row)
    db.session.flush()
    if department_id is not None:
        due_dates.refresh_due(department_ids=[department_id])
    else:
        due_dates.refresh_due(user_ids=[user_id])
    audit.record(actor_id, "assignment.withdraw", f"assignment:{assignment_id}", described)
    return described


def recert_change(before: int | None, after: int | None) -> str:
    """A change of recertification interval (months, None for never) in the audit's words."""
    return f"recertify every {before or 'never'} to {after or 'never'}" + (
        " months" if after else ""
    )
