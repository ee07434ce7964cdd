"""Assignments: managers require published modules of a department or of named learners."""

from datetime import date

from sqlalchemy import select

from ..extensions import db
from ..models import Assignment, Department, Module, User
from . import audit, clock, due_dates
from .scope import Scope


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
    db.session.commit()
    return created


def recent(scope: Scope, limit: int = 20) -> list[Assignment]:
    """The latest assignments a scope covers, newest first, for the assignment page."""
    stmt = select(Assignment).order_by(Assignment.id.desc()).limit(limit)
    if not scope.everyone:
        ids = scope.department_ids or (-1,)
        in_department = select(User.id).where(User.department_id.in_(ids))
        stmt = stmt.where(Assignment.department_id.in_(ids) | Assignment.user_id.in_(in_department))
    return list(db.session.scalars(stmt))
