"""Compliance reports: who was assigned what, who is done, who is late.

Every status a manager, a CSV file, the API or a learner's dashboard shows comes from ONE SQL
expression, `_status_rule`, applied to one row per (learner, assigned module), the
learner's ModuleProgress row, where due_dates.refresh_due keeps:

- the learner's *due date* for a module: the earliest due date among the assignments that
  reach them (their own and their department's);
- the *recertification interval*: the shortest interval among those assignments (the strictest
  rule wins); none means a completion never expires.

The report is a handful of SQL statements (GROUP BY for the figures, LIMIT/OFFSET for the page),
never a query per learner, so its cost does not grow in statements with the organisation.
"""

from collections import namedtuple
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from functools import lru_cache
from types import SimpleNamespace

from sqlalchemy import Date, DateTime, and_, bindparam, case, false, func, literal, or_, select
from sqlalchemy.orm import aliased

from ..database import Prepared
from ..extensions import db
from ..models import (
    Assignment,
    AssignmentRule,
    Certificate,
    Department,
    Exemption,
    Exercise,
    Lesson,
    Module,
    ModuleProgress,
    ModuleRevision,
    PastCompletion,
    ProgressStatus,
    User,
)
from ..models.types import utcnow
from . import certificates, clock, exemptions, paging, steps
from .columns import Column, Kind, values
from .paging import Page
from .scope import Scope

PER_PAGE = 50
EXPIRY_WARNING = timedelta(days=30)


class Status(StrEnum):
    """Where a learner stands with an assigned module (see LEGEND)."""

    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    OVERDUE = "overdue"
    EXPIRED = "expired"
    EXEMPT = "exempt"


#: (status, label, definition): the legend on the report page, in the order the code decides.
LEGEND = [
    (
        Status.EXEMPT,
        "Exempt",
        "A manager exempted the learner from the module, with a reason (shown with the row), "
        "for good or until an end date; the day after it, the row has its own status again. "
        "Exempt rows are left out of the completion rates and the overdue count: they count "
        "neither as assigned nor as completed.",
    ),
    (
        Status.COMPLETED,
        "Completed",
        "The learner has read every lesson, passed the quiz and passed every exercise of the "
        "module, and that completion has not expired.",
    ),
    (
        Status.EXPIRED,
        "Expired",
        "The learner completed the module, but the assignment asks for recertification every "
        "N months and more than N months have passed since the completion. The module is due "
        "again: passing its quiz again renews the completion and issues a new certificate.",
    ),
    (
        Status.OVERDUE,
        "Overdue",
        "Not completed (or expired) and the due date has passed: the due date is before today.",
    ),
    (
        Status.IN_PROGRESS,
        "In progress",
        "Not completed and not yet due; the learner has read a lesson, taken a quiz or "
        "submitted an exercise.",
    ),
    (
        Status.NOT_STARTED,
        "Not started",
        "Not completed and not yet due; the learner has not opened anything in the module.",
    ),
]
LABELS = {status: label for status, label, _ in LEGEND}


@dataclass(frozen=True)
class Filters:
    """The report's filters; None (or "") for all."""

    department_id: int | None = None
    module_id: int | None = None
    status: Status | None = None
    due_from: date | None = None
    due_to: date | None = None
    #: Learners with this job title (ignoring case).
    job_title: str | None = None
    #: Learners whose name or email contains this, or whose employee id is exactly this.
    search: str = ""
    #: Whose records: "active" accounts, "deactivated" ones (leavers) or "all" (scope.PEOPLE).
    people: str = "active"


class ReportRow(SimpleNamespace):
    """One cell of the learners x modules matrix.

    It holds `learner_id`, `module_id`, the INPUTS and a value per column of COLUMNS, by key
    (`row.status`, `row.due_on`, ...).
    """

    @property
    def label(self) -> str:
        """The status in words."""
        return LABELS[self.status]


@dataclass
class Rate:
    """A completion rate: of a module or a department, completed out of assigned."""

    name: str
    assigned: int = 0
    completed: int = 0

    @property
    def percent(self) -> int:
        """Completed out of assigned, in whole percent (0 when none is assigned)."""
        return (100 * self.completed) // self.assigned if self.assigned else 0


@dataclass
class Summary:
    """The report's figures: rates by module and department, counts by status, expiring soon."""

    by_module: list[Rate] = field(default_factory=list)
    by_department: list[Rate] = field(default_factory=list)
    counts: dict[Status, int] = field(default_factory=dict)
    expiring: list[Certificate] = field(default_factory=list)

    @property
    def assigned(self) -> int:
        """Assigned modules, all learners together, less the exempt ones (the rates' base)."""
        return sum(self.counts.values()) - self.exempt

    @property
    def exempt(self) -> int:
        """Assigned modules the learner is exempt from (left out of the rates)."""
        return self.counts.get(Status.EXEMPT, 0)

    @property
    def overdue(self) -> int:
        """Assigned modules overdue."""
        return self.counts.get(Status.OVERDUE, 0)

    @property
    def completion_percent(self) -> int:
        """Completed (not expired) out of assigned, in whole percent."""
        done = self.counts.get(Status.COMPLETED, 0)
        return (100 * done) // self.assigned if self.assigned else 0


# -- the one place statuses are computed -------------------------------------------------------


def _assigned(stmt, scope: Scope, filters: Filters):
    """Restrict a statement over User joined to ModuleProgress to assigned rows in scope.

    Each learner's effective assignment (earliest due date, shortest interval) is kept on
    their ModuleProgress rows by due_dates.refresh_due, so no assignment is joined here.
    """
    stmt = scope.visible(stmt, filters.people).where(ModuleProgress.due_on.is_not(None))
    if filters.department_id is not None:
        stmt = stmt.where(User.department_id == filters.department_id)
    if filters.module_id is not None:
        stmt = stmt.where(ModuleProgress.module_id == filters.module_id)
    if filters.due_from is not None:
        stmt = stmt.where(ModuleProgress.due_on >= filters.due_from)
    if filters.due_to is not None:
        stmt = stmt.where(ModuleProgress.due_on <= filters.due_to)
    if filters.job_title:
        stmt = stmt.where(func.lower(User.job_title) == filters.job_title.lower())
    if filters.search:
        stmt = stmt.where(
            User.name.icontains(filters.search, autoescape=True)
            | User.email.icontains(filters.search, autoescape=True)
            | (User.employee_id == filters.search)
        )
    return stmt


def job_titles(scope: Scope) -> list[str]:
    """The job titles of the active people in a scope, by name (the report's filter)."""
    stmt = scope.visible(select(User.job_title).where(User.job_title.is_not(None))).distinct()
    return list(db.session.scalars(stmt.order_by(User.job_title)))


def _recert_values() -> tuple[int, ...]:
    """The recertification intervals in use, which the status rule must know."""
    return tuple(db.session.scalars(_RECERT_VALUES))


_RECERT_VALUES = (
    select(Assignment.recert_months)
    .where(Assignment.recert_months.is_not(None))
    .union(select(AssignmentRule.recert_months).where(AssignmentRule.recert_months.is_not(None)))
    .order_by("recert_months")
)
#: The same, run through the driver where every dashboard view runs it (`assigned_to`).
_RECERT_VALUES_PREPARED = Prepared(_RECERT_VALUES)


def _status_params(now: datetime, recert_values: tuple[int, ...]) -> dict:
    """The values the rule's parameters take at `now`.

    A statement using the rule gets them with `.params()` or at execution.
    """
    today = clock.today(now)
    since = {f"status_valid_since_{m}": clock.expired_before(today, m) for m in recert_values}
    return {"status_today": today, **since}


#: The organisation's date the rule decides on (`_status_params`).
_TODAY = bindparam("status_today", type_=Date)


def _exemption_in_effect():
    """Outer-join condition: the row's exemption holding today, the same test as the rule's."""
    return and_(
        Exemption.user_id == ModuleProgress.user_id,
        Exemption.module_id == ModuleProgress.module_id,
        exemptions.in_effect(_TODAY),
    )


def _exemption(column):
    """SQL: a column of the row's exemption holding today (NULL when none), as a subquery.

    Evaluated for the rows a page or file returns only: a join would make the report's first
    page read every row (measured: 105 ms to 425 ms at 3,000 learners on SQLite).
    """
    return select(column).where(_exemption_in_effect()).correlate(ModuleProgress).scalar_subquery()


def _imported_from():
    """SQL: where the row's completion was done when it is an imported one, else NULL."""
    return (
        select(PastCompletion.source)
        .where(PastCompletion.id == ModuleProgress.past_completion_id)
        .correlate(ModuleProgress)
        .scalar_subquery()
    )


@lru_cache(maxsize=64)
def _status_rule(recert_values: tuple[int, ...]):
    """THE status rule (see LEGEND): exempt, completed, expired, overdue, in progress, not started.

    Expiry compares completed_at with now minus the interval, one parameter per interval in
    use, so the SQL is the same on SQLite and PostgreSQL (no date arithmetic in SQL). `now`
    is left as parameters (`_status_params`) so the expression is built once per set of
    intervals: building it costs more than running it, and the dashboard runs it per view.
    """
    completed_at = ModuleProgress.completed_at
    recert = ModuleProgress.recert_months
    still_valid = or_(
        recert.is_(None),
        *[
            and_(
                recert == months,
                completed_at >= bindparam(f"status_valid_since_{months}", type_=DateTime),
            )
            for months in recert_values
        ],
    )
    # An alias of its own: a statement that also joins Exemption must not correlate to it.
    held = aliased(Exemption, name="exemption_held")
    exempt = (
        select(held.id)
        .where(
            held.user_id == ModuleProgress.user_id,
            held.module_id == ModuleProgress.module_id,
            exemptions.in_effect(_TODAY, held),
        )
        .exists()
    )
    return case(
        (exempt, literal(Status.EXEMPT.value)),
        (and_(completed_at.is_not(None), still_valid), literal(Status.COMPLETED.value)),
        (completed_at.is_not(None), literal(Status.EXPIRED.value)),
        (
            ModuleProgress.due_on < _TODAY,
            literal(Status.OVERDUE.value),
        ),
        (
            ModuleProgress.status == ProgressStatus.IN_PROGRESS,
            literal(Status.IN_PROGRESS.value),
        ),
        else_=literal(Status.NOT_STARTED.value),
    )


def recert_intervals() -> tuple[int, ...]:
    """The recertification intervals (months) in use by assignments and rules, smallest first."""
    return _recert_values()


def assigned_statuses(now: datetime | None = None):
    """Every active learner's assigned modules with their status by THE rule, as one SELECT.

    For set-based readers (mail reminders) to build on. Columns: user_id, email, department_id,
    module_id, due_on, recert_months, completed_at, status.
    """
    recert_values = _recert_values()
    stmt = (
        select(
            User.id.label("user_id"),
            User.email,
            User.department_id,
            ModuleProgress.module_id,
            ModuleProgress.due_on,
            ModuleProgress.recert_months,
            ModuleProgress.completed_at,
            _status_rule(recert_values).label("status"),
        )
        .select_from(User)
        .join(ModuleProgress, ModuleProgress.user_id == User.id)
    )
    stmt = _assigned(stmt, Scope(None), Filters())
    return stmt.params(_status_params(now or utcnow(), recert_values))


def expires_on_day(completed_at, recert_months, day: date, recert_values: tuple[int, ...]):
    """SQL: the completion expires exactly on the organisation's `day`.

    That is clock.expires_on(completed_at, recert_months) == day, for the intervals in use.
    """
    before = day - timedelta(days=1)
    return or_(
        false(),
        *[
            and_(
                recert_months == months,
                completed_at >= clock.expired_before(before, months),
                completed_at < clock.expired_before(day, months),
            )
            for months in recert_values
        ],
    )


def title_column():
    """A module's title as SQL: its published revision's, or its slug before the first."""
    return func.coalesce(ModuleRevision.title, Module.slug)


#: The report's columns, in order: the page, the sort choices, the CSV, the XLSX and the API
#: all read this list. `sql` gets the status rule of the query being built.
COLUMNS = [
    Column("learner", "Learner", sql=lambda status: User.name, show="learner"),
    Column("email", "Email", Kind.EMAIL, sql=lambda status: User.email, sortable=False),
    Column("department", "Department", sql=lambda status: func.coalesce(Department.name, "")),
    Column("module", "Module", sql=lambda status: title_column()),
    Column("due_on", "Due date", Kind.DATE, sql=lambda status: ModuleProgress.due_on),
    Column("status", "Status", Kind.STATUS, sql=lambda status: status, labels=LABELS),
    Column(
        "progress",
        "Progress (%)",
        Kind.PERCENT,
        sortable=False,
        compute=lambda row: steps.percent(
            row.lessons_read,
            row.lesson_count,
            row.exercises_passed,
            row.exercise_count,
            row.quiz_passed,
            row.progress_status is ProgressStatus.COMPLETED,
        ),
    ),
    Column(
        "completed_at", "Completed on", Kind.MOMENT, sql=lambda status: ModuleProgress.completed_at
    ),
    Column("score", "Score", Kind.PERCENT, sql=lambda status: ModuleProgress.best_score),
    Column(
        "expires_on",
        "Expires on",
        Kind.DATE,
        sortable=False,
        compute=lambda row: clock.expires_on(row.completed_at, row.recert_months),
    ),
    # Why an exempt row is exempt, and where an imported completion was done: on the page
    # under the status, in the files as columns of their own.
    *(
        Column(key, heading, kind, sql=lambda status, c=c: c(), sortable=False, show="with status")
        for key, heading, kind, c in (
            ("exempt_reason", "Exemption reason", Kind.TEXT, lambda: _exemption(Exemption.reason)),
            ("exempt_until", "Exempt until", Kind.DATE, lambda: _exemption(Exemption.ends_on)),
            ("imported_from", "Completion imported from", Kind.TEXT, lambda: _imported_from()),
        )
    ),
    # Staff details: on the page under the learner's name, in the files after the rest.
    Column(
        "employee_id",
        "Employee id",
        sql=lambda status: User.employee_id,
        sortable=False,
        show="with learner",
    ),
    Column(
        "job_title",
        "Job title",
        sql=lambda status: User.job_title,
        sortable=False,
        show="with learner",
    ),
    Column(
        "hire_date",
        "Hire date",
        Kind.DATE,
        sql=lambda status: User.hire_date,
        sortable=False,
        show="files only",
    ),
    # A leaver stays in the record, marked (the page puts a badge by the name).
    Column(
        "active",
        "Account",
        Kind.STATUS,
        sql=lambda status: User.active,
        sortable=False,
        labels={True: "Active", False: "Deactivated"},
        show="files only",
    ),
]


def _count_in_revision(part):
    """Lessons or exercises of the row's published revision."""
    return select(func.count()).where(part.revision_id == ModuleRevision.id).scalar_subquery()


#: Inputs that are the same for every row of a module (the export reads them once a module).
MODULE_INPUTS = ("lesson_count", "exercise_count")
#: What computed columns read, selected with the columns under these labels.
INPUTS = {
    "recert_months": lambda: ModuleProgress.recert_months,
    "progress_status": lambda: ModuleProgress.status,
    "lessons_read": lambda: ModuleProgress.lessons_read,
    "exercises_passed": lambda: ModuleProgress.exercises_passed,
    "quiz_passed": lambda: ModuleProgress.quiz_passed,
    "lesson_count": lambda: _count_in_revision(Lesson),
    "exercise_count": lambda: _count_in_revision(Exercise),
}
COMPUTED = any(column.compute is not None for column in COLUMNS)
#: The columns with a cell of their own on the page.
PAGE_COLUMNS = [
    column for column in COLUMNS if column.show not in ("with learner", "with status", "files only")
]
SORTS = tuple(column.key for column in COLUMNS if column.sortable)
#: Sort values of earlier versions, still taken from bookmarks and API clients.
SORT_ALIASES = {"due": "due_on", "completed": "completed_at"}


def _rows_statement(
    scope: Scope,
    filters: Filters,
    sort: str,
    descending: bool,
    now: datetime,
    per_module: tuple[str, ...] = (),
):
    """The report's rows; `per_module` names INPUTS left out (the caller adds them per module)."""
    recert_values = _recert_values()
    status = _status_rule(recert_values).label("status")
    selected = {
        column.key: status if column.key == "status" else column.sql(status).label(column.key)
        for column in COLUMNS
        if column.sql is not None
    }
    stmt = (
        select(
            User.id.label("learner_id"),
            ModuleProgress.module_id,
            *(sql().label(label) for label, sql in INPUTS.items() if label not in per_module),
            *selected.values(),
        )
        .select_from(User)
        .join(ModuleProgress, ModuleProgress.user_id == User.id)
        .outerjoin(Department, Department.id == User.department_id)
        # "+ 0" keeps this join off ix_module_progress_module: with the statistics of a large
        # organisation SQLite would otherwise read every row by module and sort them all for
        # the first page, instead of walking the learner-name index (tests/test_statistics.py).
        .join(Module, Module.id == ModuleProgress.module_id + 0)
        .outerjoin(ModuleRevision, ModuleRevision.id == Module.published_revision_id)
    )
    stmt = _assigned(stmt, scope, filters)
    if filters.status is not None:
        stmt = stmt.where(status == filters.status.value)
    sort = SORT_ALIASES.get(sort, sort)
    keys = [selected[sort if sort in SORTS else "learner"]]
    if sort != "learner":
        keys.append(selected["learner"])
    order = [k.desc() if descending else k.asc() for k in keys]
    # Ties broken by ids so pages never repeat or skip a row; for the default order, the
    # learner name index then the progress index deliver rows already sorted.
    stmt = stmt.order_by(*order, User.id, ModuleProgress.module_id)
    return stmt.params(_status_params(now, recert_values))


def _row(values) -> ReportRow:
    row = ReportRow(**values._mapping)
    row.status = Status(row.status)
    for column in COLUMNS:
        if column.compute is not None:
            setattr(row, column.key, column.compute(row))
    return row


# -- what the pages, exports and API call ------------------------------------------------------


def page(
    scope: Scope,
    filters: Filters,
    sort: str = "learner",
    descending: bool = False,
    number: int = 1,
    per_page: int = PER_PAGE,
    now: datetime | None = None,
    counts: dict | None = None,
) -> Page:
    """One page of the matrix; raises paging.PageOutOfRangeError past the last page.

    `counts` (Summary.counts for the same filters) saves counting the rows a second time.
    """
    now = now or utcnow()
    stmt = _rows_statement(scope, filters, sort, descending, now)
    if counts is not None:
        total = counts.get(filters.status, 0) if filters.status else sum(counts.values())
    else:
        total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    first = paging.offset(number, total, per_page, "the report has")
    rows = db.session.execute(stmt.limit(per_page).offset(first))
    return Page([_row(r) for r in rows], total, number, per_page)


def iter_rows(
    scope: Scope,
    filters: Filters,
    sort: str = "learner",
    descending: bool = False,
    now: datetime | None = None,
    chunk: int = 1000,
) -> Iterator[ReportRow]:
    """Every row of the report, fetched `chunk` at a time (a server-side cursor on PostgreSQL)."""
    stmt = _rows_statement(scope, filters, sort, descending, now or utcnow())
    result = db.session.execute(stmt.execution_options(yield_per=chunk))
    for selected in result:
        yield _row(selected)


def table(rows: Iterable[ReportRow]) -> Iterator[list]:
    """Each row as the values of COLUMNS, in order: what the CSV and XLSX writers take."""
    for row in rows:
        yield values(COLUMNS, row)


def export_rows(
    scope: Scope,
    filters: Filters,
    sort: str = "learner",
    descending: bool = False,
    now: datetime | None = None,
    chunk: int = 1000,
) -> Iterator[tuple]:
    """Every row of the report as the values of COLUMNS, in order, for the CSV and XLSX files.

    The values `table(iter_rows(...))` gives (a status as its value, which its label reads the
    same), without a ReportRow per row: built a column of `chunk` rows at a time, a column
    from SQL taken as fetched, a computed one computed from each fetched row (it reads INPUTS
    by name, as from a ReportRow). Fetched `chunk` rows at a time (a server-side cursor on
    PostgreSQL) through the session's connection: plain rows, without the ORM's loading of each.
    """
    per_module = _module_inputs()
    stmt = _rows_statement(scope, filters, sort, descending, now or utcnow(), MODULE_INPUTS)
    result = db.session.connection().execute(stmt.execution_options(yield_per=chunk))
    keys = [*result.keys(), *MODULE_INPUTS]
    modules = keys.index("module_id")
    # A computed column reads the row by name: a named tuple gives a field at C speed.
    fetched = namedtuple("Fetched", keys, rename=True)
    for part in result.partitions():
        by_column = list(zip(*part, strict=True))
        by_column += [list(map(values.__getitem__, by_column[modules])) for values in per_module]
        named = list(map(fetched._make, zip(*by_column, strict=True))) if COMPUTED else None
        yield from zip(
            *(
                by_column[keys.index(column.key)]
                if column.compute is None
                else list(map(column.compute, named))
                for column in COLUMNS
            ),
            strict=True,
        )


def _module_inputs() -> list[dict[int, object]]:
    """Each of MODULE_INPUTS as module id -> value, for every module (one statement)."""
    rows = db.session.execute(
        select(Module.id, *(INPUTS[label]() for label in MODULE_INPUTS)).outerjoin(
            ModuleRevision, ModuleRevision.id == Module.published_revision_id
        )
    ).all()
    return [{row[0]: row[i] for row in rows} for i in range(1, len(MODULE_INPUTS) + 1)]


def summary_statement(scope: Scope, filters: Filters, now: datetime):
    """The report's aggregate: (department, module, status, count).

    It reads module_progress only through ix_module_progress_report, which covers it (a test
    checks the plan).
    """
    recert_values = _recert_values()
    status = _status_rule(recert_values).label("status")
    stmt = (
        select(User.department_id, ModuleProgress.module_id, status, func.count())
        .select_from(User)
        .join(ModuleProgress, ModuleProgress.user_id == User.id)
    )
    stmt = _assigned(stmt, scope, filters)
    stmt = stmt.group_by(User.department_id, ModuleProgress.module_id, status)
    return stmt.params(_status_params(now, recert_values))


def summary(scope: Scope, filters: Filters, now: datetime | None = None) -> Summary:
    """Completion rate per module and per department and the count of each status.

    Rates count only what was assigned to each learner, less what they are exempt from; the
    status filter is not applied (it would make every rate 0 or 100%). One GROUP BY plus two
    small lookups.
    """
    now = now or utcnow()
    grouped = db.session.execute(summary_statement(scope, filters, now))
    result = Summary()
    by_module: dict[int, Rate] = {}
    by_department: dict[int | None, Rate] = {}
    for department_id, module_id, state, count in grouped:
        state = Status(state)
        result.counts[state] = result.counts.get(state, 0) + count
        for bucket, key in ((by_module, module_id), (by_department, department_id)):
            rate = bucket.setdefault(key, Rate(""))
            if state is Status.EXEMPT:
                continue  # exempt rows are outside the rates
            rate.assigned += count
            rate.completed += count if state is Status.COMPLETED else 0
    titles = dict(module_titles(list(by_module)))
    names = dict(
        db.session.execute(
            select(Department.id, Department.name).where(
                Department.id.in_([d for d in by_department if d is not None] or [-1])
            )
        ).all()
    )
    for module_id, rate in by_module.items():
        rate.name = titles.get(module_id, "?")
    for department_id, rate in by_department.items():
        rate.name = names.get(department_id, "No department")
    result.by_module = sorted(by_module.values(), key=lambda r: r.name)
    result.by_department = sorted(by_department.values(), key=lambda r: r.name)
    result.expiring = expiring_certificates(scope, filters, now)
    return result


def expiring_certificates(scope: Scope, filters: Filters, now: datetime) -> list[Certificate]:
    """Current certificates that expire within 30 days: soonest first, at most 200.

    Current: the newest per learner and module, and valid by `certificates.standings` (not
    superseded by a version requiring retraining).
    """
    newer = aliased(Certificate)
    stmt = (
        select(Certificate)
        .join(User, User.id == Certificate.user_id)
        .where(
            Certificate.expires_at.is_not(None),
            Certificate.expires_at >= now,
            Certificate.expires_at < now + EXPIRY_WARNING,
            ~select(newer.id)
            .where(
                newer.user_id == Certificate.user_id,
                newer.module_id == Certificate.module_id,
                newer.id > Certificate.id,
            )
            .exists(),
        )
        .order_by(Certificate.expires_at)
        .limit(200)
    )
    stmt = scope.visible(stmt, filters.people)
    if filters.department_id is not None:
        stmt = stmt.where(User.department_id == filters.department_id)
    if filters.module_id is not None:
        stmt = stmt.where(Certificate.module_id == filters.module_id)
    found = list(db.session.scalars(stmt))
    standing = certificates.standings(found, now) if found else {}
    return [c for c in found if standing[c.id].state == "valid"]


def module_titles(
    module_ids: list[int] | None = None, assignable: bool = False
) -> list[tuple[int, str]]:
    """(id, title) of modules, all published ones when no ids are given, by title.

    `assignable` leaves out archived modules (kept in reports, never assigned anew).
    """
    stmt = select(Module.id, title_column()).outerjoin(
        ModuleRevision, ModuleRevision.id == Module.published_revision_id
    )
    if assignable:
        stmt = stmt.where(Module.archived_at.is_(None))
    if module_ids is None:
        stmt = stmt.where(Module.published_revision_id.is_not(None))
    else:
        stmt = stmt.where(Module.id.in_(module_ids or [-1]))
    return [(mid, title) for mid, title in db.session.execute(stmt.order_by(title_column()))]


@dataclass(frozen=True)
class Due:
    """An assigned module as the learner's dashboard shows it."""

    due_on: date
    status: Status
    expires_on: date | None
    #: Set while the learner is exempt: the reason, and the last day (None: for good).
    exempt_reason: str | None = None
    exempt_until: date | None = None
    #: Where the completion was done, when it is an imported one.
    imported_from: str | None = None


def assigned_to(user_id: int, now: datetime | None = None) -> dict[int, Due]:
    """module id -> due date and status for one learner, with the report's own rule."""
    recert_values = tuple(row[0] for row in _RECERT_VALUES_PREPARED.rows({}))
    rows = _assigned_to_statement(recert_values).rows(
        {"user_id": user_id, **_status_params(now or utcnow(), recert_values)}
    )
    return {
        module_id: Due(
            due_on,
            Status(state),
            clock.expires_on(completed_at, recert_months),
            reason,
            until,
            source,
        )
        for module_id, due_on, state, completed_at, recert_months, reason, until, source in rows
    }


@lru_cache(maxsize=64)
def _assigned_to_statement(recert_values: tuple[int, ...]) -> Prepared:
    return Prepared(_assigned_to_select(recert_values))


def _assigned_to_select(recert_values: tuple[int, ...]):
    return (
        select(
            ModuleProgress.module_id,
            ModuleProgress.due_on,
            _status_rule(recert_values),
            ModuleProgress.completed_at,
            ModuleProgress.recert_months,
            Exemption.reason,
            Exemption.ends_on,
            PastCompletion.source,
        )
        .outerjoin(Exemption, _exemption_in_effect())
        .outerjoin(PastCompletion, PastCompletion.id == ModuleProgress.past_completion_id)
        .where(ModuleProgress.user_id == bindparam("user_id"), ModuleProgress.due_on.is_not(None))
    )


def reopened_reasons(rows: list[ReportRow]) -> dict[tuple[int, int], str]:
    """Why a publication requiring retraining re-opened each shown cell, where one did.

    One query for the rows of a page; the report's own statement stays on its covering index.
    """
    shown = {(row.learner_id, row.module_id) for row in rows}
    if not shown:
        return {}
    found = db.session.execute(
        select(
            ModuleProgress.user_id, ModuleProgress.module_id, ModuleProgress.reopened_reason
        ).where(
            ModuleProgress.reopened_reason.is_not(None),
            ModuleProgress.user_id.in_({user_id for user_id, _ in shown}),
        )
    )
    return {(u, m): reason for u, m, reason in found if (u, m) in shown}
