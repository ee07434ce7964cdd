"""Reading the audit trail: the audit log page and its CSV export.

Admins read every line. A manager reads the lines about their departments: the departments
themselves and the assignments made to them or to their people. A page is two statements
(the count, the page with each line's actor joined) however many lines there are.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import String, cast, func, literal, or_, select

from ..extensions import db
from ..models import Assignment, AssignmentRule, AuditEvent, User
from . import clock, paging
from .columns import Column, Kind
from .paging import Page
from .scope import Scope

PER_PAGE = 50
#: The CSV export's columns (the page shows the same, the actor's email under the name).
COLUMNS = [
    Column("at", "When", Kind.MOMENT),
    Column("actor_name", "Who"),
    Column("actor_email", "Who (email)", Kind.EMAIL),
    Column("action", "Action"),
    Column("subject", "Target"),
    Column("summary", "Details"),
]


@dataclass(frozen=True)
class Filters:
    """The page's filters; empty means any."""

    #: Part of the actor's name or email.
    person: str = ""
    action: str = ""
    #: A target as "kind:id" (user:12), or a kind alone (user).
    target: str = ""
    #: Days in the organisation's time zone, both included.
    date_from: date | None = None
    date_to: date | None = None
    #: Who reads the log: a manager also reads their own lines.
    viewer_id: int | None = None


@dataclass(frozen=True)
class Line:
    """One line of the audit log as the page and its CSV show it."""

    id: int
    at: datetime
    actor_name: str | None
    actor_email: str | None
    action: str
    subject: str
    summary: str


def _about_scope(scope: Scope, viewer_id: int | None = None):
    """SQL: the line is about one of the scope's departments, their assignments or rules.

    Or it is the viewer's own (a withdrawn assignment's line names an assignment that is gone).
    """
    ids = scope.department_ids or (-1,)
    assignment_subjects = select(literal("assignment:") + cast(Assignment.id, String)).where(
        or_(
            Assignment.department_id.in_(ids),
            Assignment.user_id.in_(select(User.id).where(User.department_id.in_(ids))),
        )
    )
    rule_subjects = select(literal("rule:") + cast(AssignmentRule.id, String)).where(
        AssignmentRule.department_id.in_(ids)
    )
    return or_(
        AuditEvent.subject.in_([f"department:{d}" for d in ids]),
        AuditEvent.subject.in_(assignment_subjects),
        AuditEvent.subject.in_(rule_subjects),
        AuditEvent.actor_id == (viewer_id or -1),
    )


def _filtered(stmt, scope: Scope, filters: Filters):
    if not scope.everyone:
        stmt = stmt.where(_about_scope(scope, filters.viewer_id))
    if filters.person:
        stmt = stmt.where(
            User.name.icontains(filters.person, autoescape=True)
            | User.email.icontains(filters.person, autoescape=True)
        )
    if filters.action:
        stmt = stmt.where(AuditEvent.action == filters.action)
    if filters.target:
        target = filters.target.strip().lower()
        if ":" in target:
            stmt = stmt.where(AuditEvent.subject == target)
        else:
            stmt = stmt.where(AuditEvent.subject.startswith(f"{target}:", autoescape=True))
    if filters.date_from is not None:
        stmt = stmt.where(AuditEvent.at >= clock.start_of_day(filters.date_from))
    if filters.date_to is not None:
        stmt = stmt.where(AuditEvent.at < clock.start_of_day(filters.date_to + timedelta(days=1)))
    return stmt


def _lines(scope: Scope, filters: Filters):
    stmt = select(
        AuditEvent.id,
        AuditEvent.at,
        User.name,
        User.email,
        AuditEvent.action,
        AuditEvent.subject,
        AuditEvent.summary,
    ).outerjoin(User, User.id == AuditEvent.actor_id)
    return _filtered(stmt, scope, filters).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())


def page(scope: Scope, filters: Filters, number: int = 1, per_page: int = PER_PAGE) -> Page[Line]:
    """One page of lines, newest first; raises paging.PageOutOfRangeError past the last page."""
    counted = select(func.count(AuditEvent.id)).outerjoin(User, User.id == AuditEvent.actor_id)
    total = db.session.scalar(_filtered(counted, scope, filters)) or 0
    first = paging.offset(number, total, per_page, "these filters give")
    rows = db.session.execute(_lines(scope, filters).limit(per_page).offset(first))
    return Page([Line(*row) for row in rows], total, number, per_page)


def iter_rows(scope: Scope, filters: Filters, chunk: int = 1000) -> Iterator[list]:
    """Every line as the values of COLUMNS, fetched `chunk` at a time."""
    result = db.session.execute(_lines(scope, filters).execution_options(yield_per=chunk))
    for _id, at, name, email, action, subject, summary in result:
        yield [at, name or "(the system)", email, action, subject, summary]


def actions(scope: Scope, viewer_id: int | None = None) -> list[str]:
    """The actions that appear in the lines the scope may read, by name (the filter's list)."""
    stmt = select(AuditEvent.action).distinct().order_by(AuditEvent.action)
    if not scope.everyone:
        stmt = stmt.where(_about_scope(scope, viewer_id))
    return list(db.session.scalars(stmt))
