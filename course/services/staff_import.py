"""Bulk import of staff from an HR file (CSV or XLSX): create, update and deactivate accounts.

Three steps, so that nothing changes until an admin has seen what will:

1. `read_file` parses and checks the whole file, before any database work: size, encoding,
   columns, row count, formulas, duplicate ids. Any of these refuses the file with one clear
   message (ImportFileError) and nothing else happens.
2. `preview` compares the rows with the accounts (three statements, however many rows) and
   returns a `Plan`: who is created, what changes for whom, who is deactivated, and each
   refused row with its row number, column and reason. `store` keeps the plan on the server
   (StaffImport) under an unguessable token.
3. `apply` carries out exactly a stored plan, once: if an account it touches has changed
   since the preview, it refuses and changes nothing. Its statements are set-based (a fixed
   number per batch of rows, never per row), and every change adds an audit line naming
   the import.

Upsert rule: a row is matched to an account by its employee id, else by its email; a re-run
of the same file updates, never duplicates. An empty cell leaves the stored value as it is
(a new account gets none). Departments are matched ignoring case and created when new.
Accounts made by an import have no password: people sign in through single sign-on, or an
admin sets one.
"""

import json
import re
from dataclasses import asdict, dataclass, field
from datetime import date

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from sqlalchemy import delete, insert, select, update

from ..extensions import db
from ..models import Department, Role, StaffImport, User, UserRole, UserSession
from ..models.types import utcnow
from . import audit, clock, due_dates, import_files
from .import_files import ImportFileError, Layout, Table, chunks, event, some

COLUMNS = (
    "employee_id",
    "email",
    "name",
    "department",
    "job_title",
    "hire_date",
    "roles",
    "active",
)
REQUIRED = ("email", "name")
LAYOUT = Layout(COLUMNS, tuple((c,) for c in REQUIRED))
LIMITS = {"employee_id": 40, "email": 254, "name": 120, "department": 120, "job_title": 120}
#: What an account created by an import holds instead of a password hash: matches nothing.
NO_PASSWORD = "!imported: no password set"  # noqa: S105 (matches no password)
IMPORTABLE_ROLES = {Role.LEARNER, Role.TRAINER, Role.MANAGER}
_IMPORTABLE_NAMES = frozenset(r.value for r in IMPORTABLE_ROLES)
YES = {"yes", "y", "true", "1", "active"}
NO = {"no", "n", "false", "0", "inactive"}


# 1. Reading the file -------------------------------------------------------------------------


def read_file(filename: str, data: bytes) -> Table:
    """Parse and check a staff file (import_files.read_file), refusing repeated people.

    Raises ImportFileError for a file that cannot be imported as a whole.
    """
    table = import_files.read_file(filename, data, LAYOUT)
    _refuse_duplicates(table.rows)
    return table


def _refuse_duplicates(rows: list[tuple[int, dict[str, str]]]) -> None:
    problems = []
    for column, key in (("employee_id", str.strip), ("email", lambda v: v.strip().lower())):
        seen: dict[str, list[int]] = {}
        for number, values in rows:
            value = key(values.get(column, ""))
            if value:
                seen.setdefault(value, []).append(number)
        label = "employee id" if column == "employee_id" else "email"
        problems += [
            f"{label} {value} on rows {', '.join(map(str, numbers))}"
            for value, numbers in seen.items()
            if len(numbers) > 1
        ]
    if problems:
        raise ImportFileError(
            "Each person may appear once, but the file repeats: "
            + some(problems)
            + ". Remove the repeated rows and upload it again."
        )


# 2. The preview ------------------------------------------------------------------------------


@dataclass
class Plan:
    """What applying the file will do, as plain JSON-able values."""

    creates: list[dict] = field(default_factory=list)
    updates: list[dict] = field(default_factory=list)
    deactivations: list[dict] = field(default_factory=list)
    refusals: list[dict] = field(default_factory=list)
    unchanged: int = 0
    rows: int = 0
    unknown_columns: list[str] = field(default_factory=list)
    new_departments: list[str] = field(default_factory=list)
    #: Set when the deactivation safety stop holds: the plan cannot be applied.
    stopped: str | None = None

    @property
    def changes(self) -> int:
        """How many accounts the plan creates, updates or deactivates."""
        return len(self.creates) + len(self.updates) + len(self.deactivations)

    def to_json(self) -> str:
        """The plan as compact JSON, as a preview keeps it."""
        return json.dumps(asdict(self), separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> "Plan":
        """The plan a preview kept (`to_json`)."""
        return cls(**json.loads(text))


@dataclass
class _Account:
    id: int
    email: str
    name: str
    employee_id: str | None
    job_title: str | None
    hire_date: date | None
    department_id: int | None
    active: bool
    roles: set[str] = field(default_factory=set)

    def state(self, department_names: dict[int, str]) -> dict:
        """The stored values an update compares and applies, as JSON-able values."""
        return {
            "email": self.email,
            "name": self.name,
            "employee_id": self.employee_id,
            "job_title": self.job_title,
            "hire_date": self.hire_date.isoformat() if self.hire_date else None,
            "department": department_names.get(self.department_id) if self.department_id else None,
            "active": self.active,
            "roles": sorted(self.roles),
        }


class _RowRefusalError(Exception):
    def __init__(self, column: str, reason: str):
        super().__init__(reason)
        self.column = column
        self.reason = reason


def _accounts(ids: list[int] | None = None) -> list[_Account]:
    """Every account (or those with these ids) as plain values: two statements."""
    people = select(
        User.id,
        User.email,
        User.name,
        User.employee_id,
        User.job_title,
        User.hire_date,
        User.department_id,
        User.active,
    )
    roles = select(UserRole.user_id, UserRole.role)
    if ids is not None:
        people, roles = people.where(User.id.in_(ids)), roles.where(UserRole.user_id.in_(ids))
    accounts = {row.id: _Account(*row) for row in db.session.execute(people)}
    for user_id, role in db.session.execute(roles):
        accounts[user_id].roles.add(Role(role).value)
    return list(accounts.values())


def _clean(values: dict[str, str]) -> dict:
    """A row's cells checked and normalised; raises _RowRefusalError naming the column."""
    out: dict = {}
    for column, limit in LIMITS.items():
        text = " ".join(values.get(column, "").split())
        if len(text) > limit:
            raise _RowRefusalError(
                column, f"Use at most {limit} characters (this has {len(text)})."
            )
        out[column] = text or None
    if out["email"]:
        out["email"] = _email(out["email"])
    hire = values.get("hire_date", "")
    out["hire_date"] = None
    if hire:
        try:
            out["hire_date"] = date.fromisoformat(hire).isoformat()
        except ValueError:
            raise _RowRefusalError(
                "hire_date", f"{hire} is not a date written as YYYY-MM-DD, e.g. 2026-03-02."
            ) from None
    out["roles"] = None
    if roles := values.get("roles", ""):
        names = {r for r in re.split(r"[\s,;|]+", roles.lower()) if r}
        if Role.ADMIN.value in names:
            raise _RowRefusalError(
                "roles", "An import never grants the admin role: give it on the account page."
            )
        unknown = sorted(names - _IMPORTABLE_NAMES)
        if unknown:
            raise _RowRefusalError(
                "roles",
                f"Unknown role {', '.join(unknown)}: use learner, trainer or manager, "
                "separated by commas or semicolons.",
            )
        out["roles"] = sorted(names)
    out["active"] = None
    if active := values.get("active", "").lower():
        if active not in YES | NO:
            raise _RowRefusalError("active", f"{active} is not yes or no.")
        out["active"] = active in YES
    return out


#: Plain ASCII addresses that email_validator accepts, checked without it (it costs 0.4 ms an
#: address: 8 s for 20,000 rows); anything else is for email_validator to judge.
_PLAIN_EMAIL = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+([A-Za-z]{2,63})"
)
_SPECIAL_USE = {"arpa", "invalid", "local", "localhost", "onion", "test", "internal", "home"}


def _email(text: str) -> str:
    """The address as stored (lower case); raises _RowRefusalError for one that is not."""
    plain = _PLAIN_EMAIL.fullmatch(text)
    if plain and plain[1].lower() not in _SPECIAL_USE and len(text.split("@")[0]) <= 64:
        return text.lower()
    try:
        return validate_email(text, check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        raise _RowRefusalError(
            "email", f"{text} is not an email address like name@hospital.org."
        ) from None


def preview(
    table: Table,
    *,
    deactivate_missing: bool = False,
    actor_id: int | None = None,
    deactivate_limit_percent: int | None = None,
) -> Plan:
    """Compare the file's rows with the accounts: what applying it would do.

    Three statements (accounts, their roles, departments) however many rows. With
    `deactivate_missing`, active accounts with an employee id that the file does not name
    are deactivated (never an admin, never the importing person); when more than
    `deactivate_limit_percent` (default: the IMPORT_DEACTIVATE_LIMIT_PERCENT setting) of
    them would go, the plan is stopped and cannot be applied.
    """
    if deactivate_limit_percent is None:
        deactivate_limit_percent = current_app.config["IMPORT_DEACTIVATE_LIMIT_PERCENT"]
    accounts = _accounts()
    by_employee = {a.employee_id: a for a in accounts if a.employee_id}
    by_email = {a.email: a for a in accounts}
    departments = dict(db.session.execute(select(Department.id, Department.name)).all())
    department_by_key = {name.lower(): name for name in departments.values()}
    plan = Plan(rows=len(table.rows), unknown_columns=table.unknown_columns)
    matched: set[int] = set()
    new_departments: dict[str, str] = {}

    def department_name(name: str | None) -> str | None:
        if not name:
            return None
        key = name.lower()
        if key in department_by_key:
            return department_by_key[key]
        return new_departments.setdefault(key, name)

    for number, values in table.rows:
        try:
            row = _clean(values)
            account = _match(row, by_employee, by_email)
            if account is None:
                plan.creates.append(_create(number, row, department_name))
                continue
            matched.add(account.id)
            change = _update(number, row, account, departments, department_name, actor_id)
            if change:
                plan.updates.append(change)
            else:
                plan.unchanged += 1
        except _RowRefusalError as refused:
            plan.refusals.append(
                {"row": number, "column": refused.column, "reason": refused.reason}
            )
            # A refused row's account is named in the file all the same: never deactivated.
            for key, index in (("employee_id", by_employee), ("email", by_email)):
                value = (values.get(key) or "").strip()
                found = index.get(value.lower() if key == "email" else value)
                if found is not None:
                    matched.add(found.id)
    plan.new_departments = sorted(new_departments.values(), key=str.lower)
    if deactivate_missing:
        fed = [a for a in accounts if a.active and a.employee_id]
        plan.deactivations = [
            {"user_id": a.id, "email": a.email, "name": a.name, "employee_id": a.employee_id}
            for a in sorted(fed, key=lambda a: a.name.lower())
            if a.id not in matched and Role.ADMIN.value not in a.roles and a.id != actor_id
        ]
        if fed and 100 * len(plan.deactivations) > deactivate_limit_percent * len(fed):
            plan.stopped = (
                f"Safety stop: this would deactivate {len(plan.deactivations)} of the "
                f"{len(fed)} active people with an employee id, more than "
                f"{deactivate_limit_percent}%. Check that the file is the full staff list; "
                "to go ahead, raise IMPORT_DEACTIVATE_LIMIT_PERCENT (or the command's "
                "--deactivate-limit), or import without deactivating."
            )
    return plan


def _match(row: dict, by_employee: dict, by_email: dict) -> "_Account | None":
    employee_id, email = row["employee_id"], row["email"]
    if employee_id and employee_id in by_employee:
        account = by_employee[employee_id]
        other = by_email.get(email) if email else None
        if other is not None and other is not account:
            raise _RowRefusalError(
                "email",
                f"{email} belongs to another account ({other.name}"
                + (f", employee id {other.employee_id}" if other.employee_id else "")
                + f") than employee id {employee_id} ({account.name}).",
            )
        return account
    if email and email in by_email:
        account = by_email[email]
        if employee_id and account.employee_id and account.employee_id != employee_id:
            raise _RowRefusalError(
                "employee_id",
                f"The account with the email {email} has the employee id "
                f"{account.employee_id}, not {employee_id}. Correct the file or the account.",
            )
        return account
    if not email:
        raise _RowRefusalError(
            "email",
            "Give an email: no account has this employee id, and a new account needs one."
            if employee_id
            else "Give an email or an employee id.",
        )
    if not row["name"]:
        raise _RowRefusalError("name", "A new account needs a name.")
    return None


def _create(number: int, row: dict, department_name) -> dict:
    return {
        "row": number,
        "email": row["email"],
        "name": row["name"],
        "employee_id": row["employee_id"],
        "job_title": row["job_title"],
        "hire_date": row["hire_date"],
        "department": department_name(row["department"]),
        "roles": row["roles"] or [Role.LEARNER.value],
        "active": True if row["active"] is None else row["active"],
    }


def _update(number, row, account: _Account, departments, department_name, actor_id) -> dict:
    """The changes a row makes to an account (empty cells keep values), or {} for none."""
    before = account.state(departments)
    wanted = {
        "email": row["email"],
        "name": row["name"],
        "employee_id": row["employee_id"],
        "job_title": row["job_title"],
        "hire_date": row["hire_date"],
        "department": department_name(row["department"]),
        "active": row["active"],
        "roles": None,
    }
    if row["roles"] is not None:
        kept_admin = [Role.ADMIN.value] if Role.ADMIN.value in account.roles else []
        wanted["roles"] = sorted(set(row["roles"]) | set(kept_admin))
    if wanted["active"] is False and account.active:
        if Role.ADMIN.value in account.roles:
            raise _RowRefusalError(
                "active", "An import never deactivates an admin: do it on the account page."
            )
        if account.id == actor_id:
            raise _RowRefusalError("active", "This row would deactivate your own account.")
    changes = {k: v for k, v in wanted.items() if v is not None and v != before[k]}
    if not changes:
        return {}
    return {
        "row": number,
        "user_id": account.id,
        "name": account.name,
        "before": {k: before[k] for k in changes},
        "after": changes,
    }


# Storing a preview ---------------------------------------------------------------------------


def store(
    plan: Plan, filename: str, data: bytes, actor_id: int | None, deactivate_missing: bool
) -> StaffImport:
    """Keep a previewed plan under a new random token (import_files.store; the caller commits)."""
    return import_files.store(
        "staff", plan.to_json(), filename, data, actor_id, deactivate_missing=deactivate_missing
    )


def stored(token: str) -> StaffImport | None:
    """The stored staff preview with this token, if there is one."""
    return import_files.stored("staff", token)


# 3. Applying ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """What applying a plan did: accounts created, updated, deactivated, rows refused."""

    created: int
    updated: int
    deactivated: int
    refused: int

    def said(self) -> str:
        """The outcome in words, as the admin page says it."""
        return (
            f"{self.created} created, {self.updated} updated, {self.deactivated} deactivated; "
            f"{self.refused} rows refused (not applied)."
        )


def apply(record: StaffImport, actor_id: int | None) -> Outcome:
    """Carry out exactly the stored plan, once; the caller commits.

    Refuses (ImportFileError, nothing changed) when the plan was applied already, is older
    than PREVIEW_LIFETIME, was stopped by the safety stop, or when an account it touches
    changed since the preview. A fixed number of statements per BATCH rows.
    """
    import_files.claim(record, actor_id)
    plan = Plan.from_json(record.plan)
    if plan.stopped:
        raise ImportFileError(plan.stopped)
    _check_unchanged(plan)
    label = f"staff import #{record.id} ({record.filename})"
    department_ids = _departments_for(plan, actor_id, label)
    events: list[dict] = []
    created_ids = _create_accounts(plan.creates, department_ids, actor_id, label, events)
    _update_accounts(plan.updates, department_ids, actor_id, label, events)
    gone = [d["user_id"] for d in plan.deactivations]
    for ids in chunks(gone):
        db.session.execute(
            update(User).where(User.id.in_(ids)).values(active=False),
            execution_options={"synchronize_session": False},
        )
    events += [
        event(actor_id, "user.deactivate", d["user_id"], f"{d['email']}: not in the file; {label}")
        for d in plan.deactivations
    ]
    ended = gone + [u["user_id"] for u in plan.updates if u["after"].get("active") is False]
    for ids in chunks(ended):
        db.session.execute(delete(UserSession).where(UserSession.user_id.in_(ids)))
    import_files.audited(
        actor_id,
        record,
        events,
        f"{len(plan.creates)} created, {len(plan.updates)} updated, "
        f"{len(plan.deactivations)} deactivated as missing, {len(plan.refusals)} rows refused",
    )
    moved = (
        created_ids
        + [
            u["user_id"]
            for u in plan.updates
            # What assignments and assignment rules match or count from.
            if {"department", "active", "job_title", "hire_date"} & set(u["after"])
        ]
        + gone
    )
    for ids in chunks(moved, 5000):
        due_dates.refresh_due(user_ids=ids)
    db.session.expire_all()
    return Outcome(
        len(plan.creates), len(plan.updates), len(plan.deactivations), len(plan.refusals)
    )


def _check_unchanged(plan: Plan) -> None:
    """Refuse when accounts changed since the preview.

    The plan would no longer be what the admin saw.
    """
    departments = dict(db.session.execute(select(Department.id, Department.name)).all())
    touched = {u["user_id"]: u for u in plan.updates}
    changed: list[str] = []
    ids = list(touched)
    for chunk in chunks(ids, 5000):
        for account in _accounts(chunk):
            state = account.state(departments)
            if any(state[k] != v for k, v in touched[account.id]["before"].items()):
                changed.append(account.email)
    still_active = {d["user_id"] for d in plan.deactivations}
    for chunk in chunks(list(still_active), 5000):
        found = set(
            db.session.scalars(select(User.id).where(User.id.in_(chunk), User.active.is_(True)))
        )
        changed += [f"account {i}" for i in set(chunk) - found]
    emails = [c["email"] for c in plan.creates]
    employee_ids = [c["employee_id"] for c in plan.creates if c["employee_id"]]
    for chunk in chunks(emails, 5000):
        changed += db.session.scalars(select(User.email).where(User.email.in_(chunk))).all()
    for chunk in chunks(employee_ids, 5000):
        changed += db.session.scalars(select(User.email).where(User.employee_id.in_(chunk))).all()
    # An update taking an email or employee id that another account has now.
    for key in ("email", "employee_id"):
        wanted = {u["after"][key]: u["user_id"] for u in plan.updates if u["after"].get(key)}
        for chunk in chunks(list(wanted), 5000):
            column = User.email if key == "email" else User.employee_id
            for user_id, value in db.session.execute(
                select(User.id, column).where(column.in_(chunk))
            ):
                if wanted[value] != user_id:
                    changed.append(value)
    if changed:
        raise ImportFileError(
            "Accounts changed since this preview ("
            + some(sorted(set(changed)), 5)
            + "), so it is no longer what you saw. Upload the file again for a new preview."
        )


def _departments_for(plan: Plan, actor_id, label: str) -> dict[str, int]:
    """name (lower case) -> department id for every department the plan names.

    New ones are created (one statement each: a file names few departments).
    """
    existing = {
        name.lower(): id_
        for id_, name in db.session.execute(select(Department.id, Department.name))
    }
    for name in plan.new_departments:
        if name.lower() in existing:
            continue
        department = Department(name=name)
        db.session.add(department)
        db.session.flush()
        audit.record(
            actor_id, "department.create", f"department:{department.id}", f"{name}; {label}"
        )
        existing[name.lower()] = department.id
    return existing


def _create_accounts(creates, department_ids, actor_id, label, events) -> list[int]:
    ids: list[int] = []
    today = clock.today()
    for batch in chunks(creates):
        rows = [
            {
                "email": c["email"],
                "name": c["name"],
                "password_hash": NO_PASSWORD,
                "employee_id": c["employee_id"],
                "job_title": c["job_title"],
                "hire_date": date.fromisoformat(c["hire_date"]) if c["hire_date"] else None,
                "department_id": department_ids[c["department"].lower()]
                if c["department"]
                else None,
                # The days assignment rules count from (department, job title).
                "department_since": today if c["department"] else None,
                "job_title_since": today if c["job_title"] else None,
                "active": c["active"],
                "created_at": utcnow(),
            }
            for c in batch
        ]
        # A plain executemany (one statement for the batch on every engine; RETURNING with
        # ordered rows falls back to a statement per row on SQLite), then the new ids.
        db.session.execute(insert(User), rows)
        id_of = dict(
            db.session.execute(
                select(User.email, User.id).where(User.email.in_([r["email"] for r in rows]))
            ).all()
        )
        new_ids = [id_of[c["email"]] for c in batch]
        ids += new_ids
        db.session.execute(
            insert(UserRole),
            [
                {"user_id": user_id, "role": Role(role)}
                for user_id, c in zip(new_ids, batch, strict=True)
                for role in c["roles"]
            ],
        )
        events += [
            event(
                actor_id,
                "user.create",
                user_id,
                f"{c['email']} as {', '.join(c['roles'])}; {label}",
            )
            for user_id, c in zip(new_ids, batch, strict=True)
        ]
    return ids


def _update_accounts(updates, department_ids, actor_id, label, events) -> None:
    by_keys: dict[tuple, list[dict]] = {}
    today = clock.today()
    role_changes: list[tuple[int, list[str]]] = []
    for change in updates:
        after = dict(change["after"])
        if "roles" in after:
            role_changes.append((change["user_id"], after.pop("roles")))
        values = {}
        for key, value in after.items():
            if key == "department":
                values["department_id"] = department_ids[value.lower()]
                values["department_since"] = today  # assignment rules count from it
            elif key == "job_title":
                values["job_title"] = value
                if (change["before"]["job_title"] or "").lower() != value.lower():
                    values["job_title_since"] = today  # a new title, not another spelling
            elif key == "hire_date":
                values["hire_date"] = date.fromisoformat(value)
            else:
                values[key] = value
        if values:
            by_keys.setdefault(tuple(sorted(values)), []).append(
                {"id": change["user_id"], **values}
            )
        summary = "; ".join(
            f"{key.replace('_', ' ')} {shown_value(change['before'][key])} to {shown_value(value)}"
            for key, value in change["after"].items()
        )
        events.append(event(actor_id, "user.update", change["user_id"], f"{summary}; {label}"))
    for rows in by_keys.values():
        for batch in chunks(rows):
            db.session.execute(update(User), batch)
    for batch in chunks(role_changes):
        ids = [user_id for user_id, _ in batch]
        db.session.execute(delete(UserRole).where(UserRole.user_id.in_(ids)))
        db.session.execute(
            insert(UserRole),
            [{"user_id": user_id, "role": Role(r)} for user_id, roles in batch for r in roles],
        )


def shown_value(value) -> str:
    """A planned value as the preview shows it ("none", "active", a list joined by commas)."""
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "active" if value else "deactivated"
    if isinstance(value, list):
        return ", ".join(value) or "none"
    return str(value)


def count(plan: Plan) -> dict[str, int]:
    """The plan's figures, for pages and the command line."""
    return {
        "rows": plan.rows,
        "created": len(plan.creates),
        "updated": len(plan.updates),
        "unchanged": plan.unchanged,
        "deactivated": len(plan.deactivations),
        "refused": len(plan.refusals),
    }
