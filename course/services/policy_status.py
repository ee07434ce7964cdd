"""Who must sign which policy by when, and whether they have.

THE rule, for the policy report, its CSV, the learner's list and the mail.

A person must sign a policy when it is published and reaches them: assigned to them or to
their department (PolicyAssignment), attached to a module assigned to them, or when they
signed an earlier version. One row per (person, policy), from one GROUP BY over those
sources and the signatures:

- *signed*: they hold a signature of a version at or after the policy's `resign_since`;
- *overdue*: not signed and the due date is before today (the organisation's);
- *not signed*: otherwise.

The due date: the day a version asked them to sign again (`resign_due_on`) when they signed
an older version; else the earliest due date of the assignments that reach them.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from itertools import islice

from sqlalchemy import Date, and_, bindparam, case, func, literal, null, select, union_all
from sqlalchemy.orm import aliased

from ..extensions import db
from ..models import (
    Department,
    Module,
    ModuleProgress,
    Policy,
    PolicyAssignment,
    PolicySignature,
    PolicyVersion,
    User,
)
from ..models.types import utcnow
from . import clock, paging
from .columns import Column, Kind
from .paging import Page
from .scope import Scope

PER_PAGE = 50


class SignStatus(StrEnum):
    """Where a person stands with a policy (see LEGEND)."""

    SIGNED = "signed"
    NOT_SIGNED = "not_signed"
    OVERDUE = "overdue"


#: (status, label, definition): the legend on the report page.
LEGEND = [
    (
        SignStatus.SIGNED,
        "Signed",
        "The person signed the current version, or an earlier one that still counts (no "
        "later version asked everyone to sign again).",
    ),
    (
        SignStatus.OVERDUE,
        "Overdue",
        "Not signed (or signed only an earlier version that no longer counts) and the due "
        "date is before today.",
    ),
    (
        SignStatus.NOT_SIGNED,
        "Not signed",
        "Not signed yet, and not yet due (or no due date).",
    ),
]
LABELS = {status: label for status, label, _ in LEGEND}
#: The sort keys and their headings.
SORTS = {
    "learner": "Learner",
    "department": "Department",
    "policy": "Policy",
    "due": "Due date",
    "status": "Status",
}


@dataclass(frozen=True)
class Filters:
    """The policy report's filters; None (or no `user_id`) for all."""

    department_id: int | None = None
    policy_id: int | None = None
    status: SignStatus | None = None
    due_from: date | None = None
    due_to: date | None = None
    user_id: int | None = None


@dataclass(frozen=True)
class Signed:
    """One signature: the version signed, when, and its id (for the receipt)."""

    version_number: int
    signed_at: datetime
    signature_id: int


@dataclass(frozen=True)
class Row:
    """One person and one policy they must sign, with their status by THE rule."""

    learner_id: int
    learner_name: str
    email: str
    department: str
    policy_id: int
    policy_title: str
    current_version: int
    due_on: date | None
    status: SignStatus
    signed_version: int | None
    #: Every signature of this person for this policy, oldest first (filled per page).
    signatures: tuple[Signed, ...] = ()
    #: Why they must sign again, when a version asked it of earlier signers.
    resign_reason: str | None = None

    @property
    def label(self) -> str:
        """The status in words."""
        return LABELS[self.status]


def _reach():
    """(user_id, policy_id, due_on, version_number, signed_at).

    Every source that makes a person sign a policy, and every signature, as one UNION ALL.
    """
    no_date, no_number, no_time = (
        null().cast(Date),
        null().cast(PolicySignature.version_number.type),
        null().cast(PolicySignature.signed_at.type),
    )
    personal = select(
        PolicyAssignment.user_id,
        PolicyAssignment.policy_id,
        PolicyAssignment.due_on,
        no_number,
        no_time,
    ).where(PolicyAssignment.user_id.is_not(None))
    through_department = select(
        User.id, PolicyAssignment.policy_id, PolicyAssignment.due_on, no_number, no_time
    ).join(PolicyAssignment, PolicyAssignment.department_id == User.department_id)
    through_module = (
        select(ModuleProgress.user_id, Module.policy_id, ModuleProgress.due_on, no_number, no_time)
        .join(Module, Module.id == ModuleProgress.module_id)
        .where(Module.policy_id.is_not(None), ModuleProgress.due_on.is_not(None))
    )
    signed = select(
        PolicySignature.user_id,
        PolicySignature.policy_id,
        no_date,
        PolicySignature.version_number,
        PolicySignature.signed_at,
    )
    return union_all(personal, through_department, through_module, signed).subquery("reach")


def _grouped():
    reach = _reach()
    user_id, policy_id, due_on, number, _signed_at = reach.c
    return (
        select(
            user_id.label("user_id"),
            policy_id.label("policy_id"),
            func.min(due_on).label("assigned_due"),
            func.max(number).label("signed_version"),
        )
        .group_by(user_id, policy_id)
        .subquery("required")
    )


def _statement(scope: Scope, filters: Filters, sort: str = "learner", descending=False):
    required = _grouped()
    current = aliased(PolicyVersion)
    resign = and_(
        required.c.signed_version.is_not(None), required.c.signed_version < Policy.resign_since
    )
    due = case((resign, Policy.resign_due_on), else_=required.c.assigned_due).label("due_on")
    status = case(
        (required.c.signed_version >= Policy.resign_since, literal(SignStatus.SIGNED.value)),
        (due < bindparam("sign_today", type_=Date), literal(SignStatus.OVERDUE.value)),
        else_=literal(SignStatus.NOT_SIGNED.value),
    ).label("status")
    stmt = (
        select(
            User.id,
            User.name,
            User.email,
            func.coalesce(Department.name, "").label("department"),
            Policy.id.label("policy_id"),
            Policy.title,
            current.number,
            due,
            status,
            required.c.signed_version,
            case((resign, Policy.resign_reason), else_=null()).label("resign_reason"),
        )
        .select_from(required)
        .join(User, User.id == required.c.user_id)
        .join(Policy, Policy.id == required.c.policy_id)
        .join(current, current.id == Policy.current_version_id)
        .outerjoin(Department, Department.id == User.department_id)
    )
    stmt = scope.visible(stmt)
    if filters.user_id is not None:
        stmt = stmt.where(User.id == filters.user_id)
    if filters.department_id is not None:
        stmt = stmt.where(User.department_id == filters.department_id)
    if filters.policy_id is not None:
        stmt = stmt.where(Policy.id == filters.policy_id)
    if filters.due_from is not None:
        stmt = stmt.where(due >= filters.due_from)
    if filters.due_to is not None:
        stmt = stmt.where(due <= filters.due_to)
    keys = {
        "learner": [User.name],
        "department": [Department.name, User.name],
        "policy": [Policy.title, User.name],
        "due": [due, User.name],
        "status": [status, User.name],
    }[sort if sort in SORTS else "learner"]
    order = [k.desc() if descending else k.asc() for k in keys]
    return stmt.order_by(*order, User.id, Policy.id), status


def _params(now: datetime | None) -> dict:
    return {"sign_today": clock.today(now or utcnow())}


def _row(values) -> Row:
    (uid, name, email, department, policy_id, title, number, due, state, signed, reason) = values
    return Row(
        learner_id=uid,
        learner_name=name,
        email=email,
        department=department,
        policy_id=policy_id,
        policy_title=title,
        current_version=number,
        due_on=due,
        status=SignStatus(state),
        signed_version=signed,
        resign_reason=reason,
    )


def _with_signatures(rows: list[Row]) -> list[Row]:
    """The rows with every signature of theirs: one query for all of them."""
    if not rows:
        return rows
    found: dict[tuple[int, int], list[Signed]] = {}
    for user_id, policy_id, number, at, sid in db.session.execute(
        select(
            PolicySignature.user_id,
            PolicySignature.policy_id,
            PolicySignature.version_number,
            PolicySignature.signed_at,
            PolicySignature.id,
        )
        .where(
            PolicySignature.user_id.in_({r.learner_id for r in rows}),
            PolicySignature.policy_id.in_({r.policy_id for r in rows}),
        )
        .order_by(PolicySignature.signed_at, PolicySignature.id)
    ):
        found.setdefault((user_id, policy_id), []).append(Signed(number, at, sid))
    return [
        Row(**{**r.__dict__, "signatures": tuple(found.get((r.learner_id, r.policy_id), []))})
        for r in rows
    ]


def counts(scope: Scope, filters: Filters, now: datetime | None = None) -> dict:
    """status -> rows, for the filters less the status filter (one GROUP BY)."""
    stmt, status = _statement(scope, Filters(**{**filters.__dict__, "status": None}))
    inner = stmt.order_by(None).subquery()
    grouped = select(inner.c.status, func.count()).group_by(inner.c.status)
    return {SignStatus(s): n for s, n in db.session.execute(grouped, _params(now))}


def page(
    scope: Scope,
    filters: Filters,
    sort: str = "learner",
    descending: bool = False,
    number: int = 1,
    per_page: int = PER_PAGE,
    now: datetime | None = None,
    by_status: dict | None = None,
) -> Page[Row]:
    """One page of rows with their signatures; raises paging.PageOutOfRangeError past the last.

    `by_status` (`counts` for the same filters, which a page shows too) saves counting the
    rows a second time.
    """
    by_status = counts(scope, filters, now) if by_status is None else by_status
    total = by_status.get(filters.status, 0) if filters.status else sum(by_status.values())
    first = paging.offset(number, total, per_page, "the report has")
    stmt, status = _statement(scope, filters, sort, descending)
    if filters.status is not None:
        stmt = stmt.where(status == filters.status.value)
    found = db.session.execute(stmt.limit(per_page).offset(first), _params(now))
    rows = _with_signatures([_row(values) for values in found])
    return Page(rows, total, number, per_page)


def iter_rows(
    scope: Scope,
    filters: Filters,
    sort: str = "learner",
    descending: bool = False,
    now: datetime | None = None,
    chunk: int = 500,
) -> Iterator[Row]:
    """Every row, `chunk` at a time, each chunk's signatures read in one query."""
    stmt, status = _statement(scope, filters, sort, descending)
    if filters.status is not None:
        stmt = stmt.where(status == filters.status.value)
    result = iter(db.session.execute(stmt.execution_options(yield_per=chunk), _params(now)))
    while batch := [_row(values) for values in islice(result, chunk)]:
        yield from _with_signatures(batch)


def of_learner(user_id: int, now: datetime | None = None) -> list[Row]:
    """The policies asked of one person, with their status and signatures."""
    stmt, _status = _statement(Scope(None), Filters(user_id=user_id), sort="policy")
    rows = [_row(values) for values in db.session.execute(stmt, _params(now))]
    return _with_signatures(rows)


#: The report's columns, as the CSV writes them and the API names them (its item's keys).
CSV_COLUMNS = [
    Column("learner", "Learner"),
    Column("email", "Email", Kind.EMAIL),
    Column("department", "Department"),
    Column("policy", "Policy"),
    Column("version", "Current version", Kind.NUMBER),
    Column("due", "Due date", Kind.DATE),
    Column("status", "Status", Kind.STATUS, labels=LABELS),
    Column("signatures", "Signatures (version, UTC time)"),
]


#: A signature's moment in the API (UTC with a Z, as every MOMENT).
_SIGNED_AT = Column("signed_at", "Signed at", Kind.MOMENT)


def _values(row: Row) -> list:
    """A row as the values of CSV_COLUMNS, before each output writes them its way."""
    return [
        row.learner_name,
        row.email,
        row.department,
        row.policy_title,
        row.current_version,
        row.due_on,
        row.status,
        row.signatures,
    ]


def csv_row(row: Row) -> list:
    """A row as the cells of CSV_COLUMNS (the status as its enum: the column labels it)."""
    cells = _values(row)
    cells[-1] = "; ".join(
        f"version {s.version_number} at {s.signed_at:%Y-%m-%d %H:%M:%S}" for s in row.signatures
    )
    return cells


def api_item(row: Row) -> dict:
    """A row as the API's item: the ids, then each of CSV_COLUMNS by key (`Column.json`).

    {"learner_id", "policy_id", "learner", "email", "department", "policy", "version" (the
    current version's number), "due" ("YYYY-MM-DD" or null), "status" ("signed",
    "not_signed" or "overdue"), "signed_version" (the latest version they signed, or null),
    "resign_reason" (why they must sign again, or null), "signatures": [{"version",
    "signed_at" (UTC, ISO 8601 with a Z), "signature_id"}] oldest first}.
    """
    item = {"learner_id": row.learner_id, "policy_id": row.policy_id}
    for column, value in zip(CSV_COLUMNS[:-1], _values(row)[:-1], strict=True):
        item[column.key] = column.json(value)
    item["signed_version"] = row.signed_version
    item["resign_reason"] = row.resign_reason
    item["signatures"] = [
        {
            "version": s.version_number,
            "signed_at": _SIGNED_AT.json(s.signed_at),
            "signature_id": s.signature_id,
        }
        for s in row.signatures
    ]
    return item


def statuses(now: datetime | None = None):
    """Every active person's policy rows with their status by THE rule.

    Every active person's policy rows with their status by THE rule, as one SELECT for
    set-based readers (mail reminders). Columns: user_id, email, policy_id, due_on, status.
    """
    stmt, status = _statement(Scope(None), Filters())
    inner = stmt.order_by(None).subquery("policy_rows")
    return select(
        inner.c.id.label("user_id"),
        inner.c.email,
        inner.c.policy_id,
        inner.c.due_on,
        inner.c.status,
    ).params(_params(now))
