"""Importing past completions: training done outside the app, recorded as external evidence.

A file (CSV or XLSX, read by `import_files`) names, per row, the learner (employee_id or
email), the module (its short name or its title), the day it was completed (`completed_on`,
YYYY-MM-DD, the organisation's calendar), where (`source`) and an optional `note`. As for
staff, nothing changes until an admin has seen the preview (`preview`, `store`), and applying
(`apply`) carries out exactly the stored plan, once.

What an imported completion does (the one writer of ModuleProgress.past_completion_id):

- it is kept as a PastCompletion row, never rewritten, whatever happens later;
- it completes the module from the start of `completed_on` in the organisation's zone (stored
  UTC), so it satisfies the assignment and starts the recertification clock, where the
  learner has no completion or an older one; a completion of the learner's own on that day or
  later stays as it is (the row is evidence only), and a later completion in the app
  replaces an imported one only as any renewal does (progress.refresh);
- it never issues a certificate and never claims a quiz score.

Every applied row writes an audit line naming the import.
"""

import json
from dataclasses import asdict, dataclass, field
from datetime import date

from sqlalchemy import insert, select, tuple_
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ..extensions import db
from ..models import (
    Module,
    ModuleProgress,
    ModuleRevision,
    PastCompletion,
    ProgressStatus,
    StaffImport,
    User,
)
from ..models.types import utcnow
from . import clock, import_files
from .import_files import ImportFileError, Layout, Table, chunks, event, some

KIND = "completions"
LAYOUT = Layout(
    ("employee_id", "email", "module", "completed_on", "source", "note"),
    (("employee_id", "email"), ("module",), ("completed_on",), ("source",)),
)
LIMITS = {"source": 120, "note": 500}


def read_file(filename: str, data: bytes) -> Table:
    """Parse and check a completions file (import_files.read_file); ImportFileError if not."""
    return import_files.read_file(filename, data, LAYOUT)


@dataclass
class Plan:
    """What applying the file will do, as plain JSON-able values.

    `records`: one per accepted row (row, user_id, name, email, module_id, module,
    completed_on, source, note, completes, before); `completes` is true where the row becomes
    the learner's completion (`before`: the completion it replaces, ISO, or None).
    """

    records: list[dict] = field(default_factory=list)
    refusals: list[dict] = field(default_factory=list)
    rows: int = 0
    unknown_columns: list[str] = field(default_factory=list)

    @property
    def changes(self) -> int:
        """How many completions the plan records."""
        return len(self.records)

    def to_json(self) -> str:
        """The plan as compact JSON, as a preview keeps it."""
        return json.dumps(asdict(self), separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> "Plan":
        """The plan a preview kept (`to_json`)."""
        return cls(**json.loads(text))


class _RowRefusalError(Exception):
    def __init__(self, column: str, reason: str):
        super().__init__(reason)
        self.column = column
        self.reason = reason


def _people() -> tuple[dict, dict]:
    """(by employee id, by lower-case email) -> (id, name, email): one statement."""
    by_employee, by_email = {}, {}
    for user_id, name, email, employee_id in db.session.execute(
        select(User.id, User.name, User.email, User.employee_id)
    ):
        if employee_id:
            by_employee[employee_id] = (user_id, name, email)
        by_email[email.lower()] = (user_id, name, email)
    return by_employee, by_email


def _modules() -> dict[str, tuple[int, str]]:
    """Lower-case slug or published title -> (module id, title): one statement."""
    found: dict[str, tuple[int, str]] = {}
    for module_id, slug, title in db.session.execute(
        select(Module.id, Module.slug, ModuleRevision.title).outerjoin(
            ModuleRevision, ModuleRevision.id == Module.published_revision_id
        )
    ):
        found[slug.lower()] = (module_id, title or slug)
        if title:
            found.setdefault(" ".join(title.lower().split()), (module_id, title))
    return found


def _person(values: dict, by_employee: dict, by_email: dict) -> tuple[int, str, str]:
    employee_id = values.get("employee_id", "").strip()
    email = values.get("email", "").strip().lower()
    if not employee_id and not email:
        raise _RowRefusalError("employee_id", "Give the learner's employee id or email.")
    person = by_employee.get(employee_id) if employee_id else None
    if employee_id and person is None:
        raise _RowRefusalError("employee_id", f"No account has the employee id {employee_id}.")
    if email:
        other = by_email.get(email)
        if other is None:
            raise _RowRefusalError("email", f"No account has the email {email}.")
        if person is not None and other[0] != person[0]:
            raise _RowRefusalError(
                "email",
                f"{email} belongs to {other[1]}, not to employee id {employee_id} ({person[1]}).",
            )
        person = other
    return person


def _day(text: str, today: date) -> date:
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise _RowRefusalError(
            "completed_on",
            f"{text or '(empty)'} is not a date written as YYYY-MM-DD, e.g. 2026-03-02.",
        ) from None
    if day > today:
        raise _RowRefusalError(
            "completed_on",
            f"{day.isoformat()} is in the future (today is {today.isoformat()}).",
        )
    return day


def _text(values: dict, column: str, required: bool) -> str:
    text = " ".join(values.get(column, "").split())
    if required and not text:
        raise _RowRefusalError(column, f"Give the {column}: where the training was done.")
    if len(text) > LIMITS[column]:
        limit = LIMITS[column]
        raise _RowRefusalError(column, f"Use at most {limit} characters (this has {len(text)}).")
    return text


def _completions_of(pairs: set[tuple[int, int]]) -> dict[tuple[int, int], object]:
    """(user id, module id) -> the completion its progress row holds (None: none)."""
    found = {}
    for chunk in chunks(sorted(pairs)):
        rows = db.session.execute(
            select(
                ModuleProgress.user_id, ModuleProgress.module_id, ModuleProgress.completed_at
            ).where(tuple_(ModuleProgress.user_id, ModuleProgress.module_id).in_(chunk))
        )
        found.update({(u, m): at for u, m, at in rows})
    return found


def _imported_already(users: set[int]) -> dict[tuple[int, int, date], int | None]:
    """(user id, module id, completed_on) -> the import that recorded it, for these learners."""
    found = {}
    for chunk in chunks(sorted(users)):
        rows = db.session.execute(
            select(
                PastCompletion.user_id,
                PastCompletion.module_id,
                PastCompletion.completed_on,
                PastCompletion.import_id,
            ).where(PastCompletion.user_id.in_(chunk))
        )
        found.update({(u, m, d): i for u, m, d, i in rows})
    return found


def preview(table: Table, today: date | None = None) -> Plan:
    """Compare the file's rows with the accounts, modules and completions: the plan.

    Refused rows (listed with row, column, reason, never applied): an unknown learner or
    module, an employee id and an email of two people, a date unparseable or after `today`
    (the organisation's), a missing source, a row repeating an earlier row of the file or a
    completion imported before. A fixed number of statements per import_files.BATCH rows.
    """
    today = today or clock.today()
    by_employee, by_email = _people()
    modules = _modules()
    plan = Plan(rows=len(table.rows), unknown_columns=table.unknown_columns)
    accepted = []
    seen: dict[tuple, int] = {}
    for number, values in table.rows:
        try:
            user_id, name, email = _person(values, by_employee, by_email)
            wanted = " ".join(values.get("module", "").lower().split())
            if wanted not in modules:
                raise _RowRefusalError(
                    "module",
                    f"No module {values.get('module') or '(empty)'}: give its short name "
                    "(as in its address, e.g. meet-the-experts) or its title.",
                )
            module_id, title = modules[wanted]
            day = _day(values.get("completed_on", ""), today)
            source = _text(values, "source", required=True)
            note = _text(values, "note", required=False)
            key = (user_id, module_id, day)
            if key in seen:
                raise _RowRefusalError(
                    "completed_on", f"Repeats row {seen[key]} (same learner, module and date)."
                )
            seen[key] = number
        except _RowRefusalError as refused:
            plan.refusals.append(
                {"row": number, "column": refused.column, "reason": refused.reason}
            )
            continue
        accepted.append(
            {
                "row": number,
                "user_id": user_id,
                "name": name,
                "email": email,
                "module_id": module_id,
                "module": title,
                "completed_on": day.isoformat(),
                "source": source,
                "note": note,
                "completes": False,
                "before": None,
            }
        )
    before = _imported_already({r["user_id"] for r in accepted})
    held = _completions_of({(r["user_id"], r["module_id"]) for r in accepted})
    latest: dict[tuple[int, int], dict] = {}
    for record in accepted:
        key = (record["user_id"], record["module_id"], date.fromisoformat(record["completed_on"]))
        if key in before:
            plan.refusals.append(
                {
                    "row": record["row"],
                    "column": "completed_on",
                    "reason": "This completion was imported before"
                    + (f" (import #{before[key]})." if before[key] else "."),
                }
            )
            continue
        plan.records.append(record)
        pair = key[:2]
        if pair not in latest or record["completed_on"] > latest[pair]["completed_on"]:
            latest[pair] = record
    for pair, record in latest.items():
        current = held.get(pair)
        starts = clock.start_of_day(date.fromisoformat(record["completed_on"]))
        if current is None or current < starts:
            record["completes"] = True
            record["before"] = current.isoformat() if current is not None else None
    plan.refusals.sort(key=lambda r: r["row"])
    return plan


def store(plan: Plan, filename: str, data: bytes, actor_id: int | None) -> StaffImport:
    """Keep a previewed plan under a new random token (import_files.store; the caller commits)."""
    return import_files.store(KIND, plan.to_json(), filename, data, actor_id)


def stored(token: str) -> StaffImport | None:
    """The stored completions preview with this token, if there is one."""
    return import_files.stored(KIND, token)


def count(plan: Plan) -> dict[str, int]:
    """The plan's figures, for pages and the command line."""
    completing = sum(1 for r in plan.records if r["completes"])
    return {
        "rows": plan.rows,
        "recorded": len(plan.records),
        "completing": completing,
        "evidence only": len(plan.records) - completing,
        "refused": len(plan.refusals),
    }


@dataclass(frozen=True)
class Outcome:
    """What applying a plan did: completions recorded, of which completing, rows refused."""

    recorded: int
    completing: int
    refused: int

    def said(self) -> str:
        """The outcome in words, as the admin page says it."""
        return (
            f"{self.recorded} completions recorded ({self.completing} completing a module); "
            f"{self.refused} rows refused (not applied)."
        )


def apply(record: StaffImport, actor_id: int | None) -> Outcome:
    """Carry out exactly the stored plan, once; the caller commits.

    Refuses (ImportFileError, nothing changed) when the plan was applied already or is older
    than a day, or when a learner's completion it replaces, or one it records, changed since
    the preview. A fixed number of statements per import_files.BATCH rows.
    """
    import_files.claim(record, actor_id)
    plan = Plan.from_json(record.plan)
    _check_unchanged(plan)
    now = utcnow()
    rows = [
        {
            "user_id": r["user_id"],
            "module_id": r["module_id"],
            "completed_on": date.fromisoformat(r["completed_on"]),
            "completed_at": clock.start_of_day(date.fromisoformat(r["completed_on"])),
            "source": r["source"],
            "note": r["note"],
            "import_id": record.id,
            "imported_by_id": actor_id,
            "imported_at": now,
        }
        for r in plan.records
    ]
    for batch in chunks(rows):
        db.session.execute(insert(PastCompletion), batch)
    completing = [r for r in plan.records if r["completes"]]
    ids = {}
    for batch in chunks(completing):
        ids.update(
            {
                (u, m): i
                for i, u, m in db.session.execute(
                    select(
                        PastCompletion.id, PastCompletion.user_id, PastCompletion.module_id
                    ).where(
                        PastCompletion.import_id == record.id,
                        tuple_(
                            PastCompletion.user_id,
                            PastCompletion.module_id,
                            PastCompletion.completed_on,
                        ).in_(
                            [
                                (
                                    r["user_id"],
                                    r["module_id"],
                                    date.fromisoformat(r["completed_on"]),
                                )
                                for r in batch
                            ]
                        ),
                    )
                )
            }
        )
    dialect = db.session.get_bind().dialect.name
    upsert = (pg_insert if dialect == "postgresql" else sqlite_insert)(ModuleProgress)
    upsert = upsert.on_conflict_do_update(
        index_elements=["user_id", "module_id"],
        set_={
            "status": upsert.excluded.status,
            "completed_at": upsert.excluded.completed_at,
            "completed_revision": None,
            "past_completion_id": upsert.excluded.past_completion_id,
            "reopened_reason": None,
        },
    )
    for batch in chunks(completing):
        db.session.execute(
            upsert,
            [
                {
                    "user_id": r["user_id"],
                    "module_id": r["module_id"],
                    "status": ProgressStatus.COMPLETED,
                    "lessons_read": 0,
                    "exercises_passed": 0,
                    "completed_at": clock.start_of_day(date.fromisoformat(r["completed_on"])),
                    "past_completion_id": ids[(r["user_id"], r["module_id"])],
                }
                for r in batch
            ],
        )
    label = f"completions import #{record.id} ({record.filename})"
    events = [
        event(
            actor_id,
            "completion.import",
            r["user_id"],
            f"{r['email']}: {r['module']} completed {r['completed_on']} at {r['source']}"
            + ("" if r["completes"] else " (evidence only)")
            + f"; {label}",
        )
        for r in plan.records
    ]
    import_files.audited(
        actor_id,
        record,
        events,
        f"{len(plan.records)} completions recorded, {len(completing)} completing, "
        f"{len(plan.refusals)} rows refused",
    )
    db.session.expire_all()
    return Outcome(len(plan.records), len(completing), len(plan.refusals))


def _check_unchanged(plan: Plan) -> None:
    """Refuse when what the plan relied on changed since the preview."""
    held = _completions_of({(r["user_id"], r["module_id"]) for r in plan.records})
    before = _imported_already({r["user_id"] for r in plan.records})
    changed = []
    for r in plan.records:
        key = (r["user_id"], r["module_id"], date.fromisoformat(r["completed_on"]))
        current = held.get(key[:2])
        moved = r["completes"] and (current.isoformat() if current else None) != r["before"]
        if key in before or moved:
            changed.append(f"row {r['row']}")
    if changed:
        raise ImportFileError(
            "Completions changed since this preview ("
            + some(changed, 5)
            + "), so it is no longer what you saw. Upload the file again for a new preview."
        )
