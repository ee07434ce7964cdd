"""Accounts: creating people, signing in with throttling, departments and roles.

The admin pages change accounts only through the functions here. Each one checks its rules
first and raises AccountError (naming the form field at fault) before it changes anything;
each change adds an audit line; the caller commits.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from flask import current_app
from sqlalchemy import case, delete, func, select, update
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import Assignment, AssignmentRule, Department, Role, User, UserRole
from ..models.people import manager_department
from . import audit, clock, due_dates, paging, passwords, sessions, throttle, tokens
from .paging import Page
from .refusal import RefusalError

GENERIC_FAILURE = "That email and password do not match an account. Please try again."


class AccountError(RefusalError):
    """A request to change accounts that the rules refuse; `field` names the input at fault."""


@dataclass(frozen=True)
class Credentials:
    """What signing in needs of an account, as plain values (no ORM row held)."""

    id: int
    password_hash: str
    active: bool


def _hash(password: str) -> str:
    return passwords.hash_password(password, current_app.config["PASSWORD_HASH_METHOD"])


def normalise_email(email: str) -> str:
    """An email as accounts store and look it up: trimmed, lower case."""
    return email.strip().lower()


def get_or_create_department(name: str, actor_id: int | None = None) -> Department:
    """The department of this exact name, created (with an audit line) when there is none."""
    name = name.strip()
    department = db.session.scalar(select(Department).where(Department.name == name))
    if department is None:
        department = Department(name=name)
        db.session.add(department)
        db.session.flush()
        audit.record(actor_id, "department.create", f"department:{department.id}", name)
    return department


def managed_departments(user_id: int) -> list[Department]:
    """The departments a manager is set to see, by name."""
    return list(
        db.session.scalars(
            select(Department)
            .join(manager_department, manager_department.c.department_id == Department.id)
            .where(manager_department.c.user_id == user_id)
            .order_by(Department.name)
        )
    )


def email_taken(email: str, except_user_id: int | None = None) -> bool:
    """Whether another account already has this (normalised) email."""
    stmt = select(User.id).where(User.email == normalise_email(email))
    if except_user_id is not None:
        stmt = stmt.where(User.id != except_user_id)
    return db.session.scalar(stmt.limit(1)) is not None


def normalise_employee_id(value: str | None) -> str | None:
    """An employee id as stored: spaces at the ends dropped, None when empty."""
    value = (value or "").strip()
    return value or None


def normalise_job_title(value: str | None) -> str | None:
    """A job title as stored: runs of spaces made one, None when empty."""
    value = " ".join((value or "").split())
    return value or None


def employee_id_taken(employee_id: str | None, except_user_id: int | None = None) -> bool:
    """Whether another account already has this employee id (None is never taken)."""
    employee_id = normalise_employee_id(employee_id)
    if employee_id is None:
        return False
    stmt = select(User.id).where(User.employee_id == employee_id)
    if except_user_id is not None:
        stmt = stmt.where(User.id != except_user_id)
    return db.session.scalar(stmt.limit(1)) is not None


def _check_staff_fields(employee_id: str | None, job_title: str | None, user_id=None) -> None:
    if employee_id is not None and len(employee_id) > 40:
        raise AccountError("Use at most 40 characters.", "employee_id")
    if job_title is not None and len(job_title) > 120:
        raise AccountError("Use at most 120 characters.", "job_title")
    if employee_id_taken(employee_id, except_user_id=user_id):
        raise AccountError(
            f"Another account already has the employee id {employee_id}.", "employee_id"
        )


#: The stored hash of an account without a password (single sign-on): it matches none.
NO_PASSWORD = "!"  # noqa: S105 (no password hashes to it)


def create_user(
    email: str,
    name: str,
    password: str | None,
    roles: set[Role] | frozenset[Role] = frozenset({Role.LEARNER}),
    department: str | None = None,
    actor_id: int | None = None,
    judge_password: bool = True,
    *,
    employee_id: str | None = None,
    job_title: str | None = None,
    hire_date: date | None = None,
) -> User:
    """Create an account.

    Raises AccountError for a taken email or employee id, or a guessable password.

    `judge_password=False` skips the strength check (the demo accounts' known password);
    `password=None` makes an account no password signs in to (single sign-on).
    """
    email = normalise_email(email)
    employee_id = normalise_employee_id(employee_id)
    job_title = normalise_job_title(job_title)
    if db.session.scalar(select(User.id).where(User.email == email)):
        raise AccountError(f"An account with the email {email} already exists.", "email")
    _check_staff_fields(employee_id, job_title)
    if judge_password and password is not None:
        check_password(password, (name, email))
    user = User(
        email=email,
        name=name.strip(),
        password_hash=_hash(password) if password is not None else NO_PASSWORD,
        department=get_or_create_department(department, actor_id) if department else None,
        department_since=clock.today() if department else None,
        role_rows=[UserRole(role=Role(r)) for r in sorted(set(roles))],
        employee_id=employee_id,
        job_title=job_title,
        job_title_since=clock.today() if job_title else None,
        hire_date=hire_date,
    )
    db.session.add(user)
    db.session.flush()
    # Their department's assignments and the assignment rules matching them reach them now.
    due_dates.refresh_due(user_ids=[user.id])
    audit.record(
        actor_id, "user.create", f"user:{user.id}", f"{email} as {', '.join(sorted(roles))}"
    )
    return user


def credentials(email: str) -> Credentials | None:
    """The account signing in with this email, as plain values; None when there is none."""
    row = db.session.execute(
        select(User.id, User.password_hash, User.active).where(
            User.email == normalise_email(email or "")
        )
    ).first()
    return Credentials(*row) if row else None


def password_matches(account: Credentials | None, password: str) -> bool:
    """Whether this is the account's password.

    The same hashing is done whether the account exists, is deactivated or is active, so the
    answer's timing tells nothing. Call it outside any transaction: it takes 100 ms or more of
    CPU by design.
    """
    method = current_app.config["PASSWORD_HASH_METHOD"]
    stored = account.password_hash if account else passwords.decoy_hash(method)
    matches = passwords.verify(stored, password)
    return matches and account is not None and account.active


def upgraded_hash(account: Credentials, password: str) -> str | None:
    """A new hash when the stored one is of an older method or weaker parameters.

    The caller saves it with `save_hash`; None when it is current. Hashes, so call it outside a
    transaction.
    """
    method = current_app.config["PASSWORD_HASH_METHOD"]
    if passwords.needs_rehash(account.password_hash, method):
        return passwords.hash_password(password, method)
    return None


def save_hash(user_id: int, password_hash: str) -> None:
    """Store a re-hashed password (the same password: no session ends)."""
    db.session.execute(update(User).where(User.id == user_id).values(password_hash=password_hash))


def may_use_password(user: User) -> bool:
    """Whether this account signs in with a local password.

    Everyone who has one while LOCAL_PASSWORDS is on; when it is off (single sign-on only), the
    break-glass admin alone.
    """
    config = current_app.config
    if user.password_hash == NO_PASSWORD:  # created by single sign-on: it has none
        return False
    if config["LOCAL_PASSWORDS"]:
        return True
    glass = normalise_email(config.get("BREAK_GLASS_ADMIN") or "")
    return bool(glass) and user.email == glass and user.has_role(Role.ADMIN)


def check_password(password: str, context: Iterable[str] = ()) -> None:
    """Refuse a password that is short or easy to guess (services/passwords.py), with the reason.

    `context` holds the person's name and email and other words to avoid.
    """
    name = current_app.config.get("ORGANISATION_NAME") or ""
    if reason := passwords.weakness(password, (*context, name)):
        raise AccountError(reason, "password")


def reset_password(user_id: int, password: str, actor_id: int) -> User:
    """An admin sets a new password.

    The person's sessions and API tokens end (whoever knew the old password may have used them),
    and their failed sign-ins are forgotten.
    """
    user = _user(user_id)
    check_password(password, (user.name, user.email))
    user.password_hash = _hash(password)
    sessions.end_all(user.id)
    revoked = tokens.revoke_all(user.id)
    throttle.forget_failures(user.email, everywhere=True)
    audit.record(
        actor_id,
        "user.password",
        f"user:{user.id}",
        "password reset by an admin" + (f"; {revoked} API tokens revoked" if revoked else ""),
    )
    return user


# The admin pages: the list of accounts -------------------------------------------------------

#: Accounts per page on the admin list.
USERS_PER_PAGE = 50
#: The department filter's value for people in no department.
NO_DEPARTMENT = 0


@dataclass(frozen=True)
class UserFilters:
    """The admin list's filters; None (or "") means any."""

    search: str = ""
    #: A department id, or NO_DEPARTMENT for people in none.
    department_id: int | None = None
    role: Role | None = None
    active: bool | None = None


def _filtered(stmt, filters: UserFilters):
    if filters.search:
        stmt = stmt.where(
            User.name.icontains(filters.search, autoescape=True)
            | User.email.icontains(filters.search, autoescape=True)
            | (User.employee_id == filters.search)
        )
    if filters.department_id == NO_DEPARTMENT:
        stmt = stmt.where(User.department_id.is_(None))
    elif filters.department_id is not None:
        stmt = stmt.where(User.department_id == filters.department_id)
    if filters.role is not None:
        stmt = stmt.where(
            User.id.in_(select(UserRole.user_id).where(UserRole.role == filters.role))
        )
    if filters.active is not None:
        stmt = stmt.where(User.active.is_(filters.active))
    return stmt


def list_users(filters: UserFilters, page: int = 1, per_page: int = USERS_PER_PAGE) -> Page[User]:
    """One page of accounts by name, with their department and roles loaded.

    Three statements however many accounts there are: the count, the page (departments
    joined), the roles of the page (selectin). Raises PageOutOfRangeError past the last page.
    """
    total = db.session.scalar(_filtered(select(func.count(User.id)), filters)) or 0
    first = paging.offset(page, total, per_page, "these filters give")
    users = db.session.scalars(
        _filtered(select(User), filters)
        .options(joinedload(User.department))
        .order_by(User.name, User.id)
        .limit(per_page)
        .offset(first)
    ).all()
    return Page(list(users), total, page, per_page)


# Changing an account -------------------------------------------------------------------------


def _user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise AccountError("That account does not exist.")
    return user


def _active_admin_ids() -> set[int]:
    """Ids of the active admins, their rows locked until the caller commits.

    The lock (PostgreSQL; SQLite writes are serialised by BEGIN IMMEDIATE) makes two admins
    demoting each other at the same moment wait for one another, and the second count, read
    once the lock is held, sees what the first one committed: there is always an admin left.
    """
    admins = (
        select(User.id)
        .join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == Role.ADMIN, User.active.is_(True))
    )
    db.session.execute(select(User.id).where(User.id.in_(admins)).with_for_update()).all()
    return set(db.session.scalars(admins))


#: update_user's default for the staff fields: leave them as they are.
KEEP = object()


@dataclass
class AccountChanges:
    """What an update changed, in words, for the confirmation message."""

    changed: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.changed)


def update_user(
    user_id: int,
    *,
    name: str,
    email: str,
    department: str | None,
    roles: Iterable[Role],
    active: bool,
    managed_department_ids: Iterable[int] = (),
    actor_id: int | None,
    employee_id: str | None | object = KEEP,
    job_title: str | None | object = KEEP,
    hire_date: date | None | object = KEEP,
) -> AccountChanges:
    """Apply an admin's edit of an account: every rule is checked before anything changes.

    `department` is a department name (created if new) or None for none; the employee id,
    job title and hire date are kept unless given. Rules: a unique email and employee id; at
    least one role; departments to manage only for a manager; an admin can neither
    deactivate themselves nor remove their own admin role; the last active admin stays an
    active admin. Moving the person or (de)activating them refreshes their due dates. One
    audit line per kind of change; the caller commits.
    """
    user = _user(user_id)
    name = " ".join(name.split())
    email = normalise_email(email)
    roles = {Role(r) for r in roles}
    managed_ids = sorted(set(managed_department_ids))
    department = " ".join(department.split()) if department else None
    employee_id = user.employee_id if employee_id is KEEP else normalise_employee_id(employee_id)
    job_title = user.job_title if job_title is KEEP else normalise_job_title(job_title)
    hire_date = user.hire_date if hire_date is KEEP else hire_date
    if not name:
        raise AccountError("Enter the person's name.", "name")
    if not email:
        raise AccountError("Enter an email address.", "email")
    if email_taken(email, except_user_id=user.id):
        raise AccountError(f"Another account already has the email {email}.", "email")
    _check_staff_fields(employee_id, job_title, user.id)
    if not roles:
        raise AccountError("Choose at least one role.", "roles")
    if managed_ids and Role.MANAGER not in roles:
        raise AccountError(
            "Only a manager manages departments: tick the manager role, or clear these.",
            "managed_departments",
        )
    managed = list(db.session.scalars(select(Department).where(Department.id.in_(managed_ids))))
    if len(managed) != len(managed_ids):
        raise AccountError("One of those departments no longer exists.", "managed_departments")
    loses_admin = (
        user.has_role(Role.ADMIN) and user.active and (Role.ADMIN not in roles or not active)
    )
    if loses_admin:
        if user.id == actor_id:
            raise AccountError(
                "You cannot deactivate your own account or remove your own admin role; "
                "ask another admin to do it.",
                "active" if not active else "roles",
            )
        if _active_admin_ids() <= {user.id}:
            raise AccountError(
                "This is the last active admin: make someone else an admin first.",
                "active" if not active else "roles",
            )

    # Assignment rules match the job title (any case) and count from the hire date.
    new_title = (job_title or "").lower() != (user.job_title or "").lower()
    rules_follow = new_title or hire_date != user.hire_date
    changes = AccountChanges()
    details = []
    if name != user.name:
        details.append(f"name {user.name!r} to {name!r}")
        user.name = name
    if email != user.email:
        details.append(f"email {user.email} to {email}")
        user.email = email
    if employee_id != user.employee_id:
        details.append(f"employee id {user.employee_id or 'none'} to {employee_id or 'none'}")
        user.employee_id = employee_id
    if job_title != user.job_title:
        details.append(f"job title {user.job_title or 'none'} to {job_title or 'none'}")
        if new_title:  # a new title, not the same one spelt in another case
            user.job_title_since = clock.today() if job_title else None
        user.job_title = job_title
    if hire_date != user.hire_date:
        before = user.hire_date.isoformat() if user.hire_date else "none"
        details.append(f"hire date {before} to {hire_date.isoformat() if hire_date else 'none'}")
        user.hire_date = hire_date
    if details:
        changes.changed.append("details")
        audit.record(actor_id, "user.update", f"user:{user.id}", "; ".join(details))

    moved = _move(user, department, actor_id)
    if moved:
        changes.changed.append("department")

    if roles != user.roles:
        before = ", ".join(sorted(user.roles))
        # Kept rows stay as they are: a new row with the same key would collide in the flush.
        user.role_rows = [row for row in user.role_rows if row.role in roles] + [
            UserRole(role=r) for r in sorted(roles - user.roles)
        ]
        changes.changed.append("roles")
        audit.record(
            actor_id, "user.roles", f"user:{user.id}", f"{before} to {', '.join(sorted(roles))}"
        )

    if set(managed_ids) != {d.id for d in user.managed_departments}:
        set_managed_departments(user, managed, actor_id)
        changes.changed.append("managed departments")

    if active != user.active:
        user.active = active
        if not active:
            sessions.end_all(user.id)  # reactivating later brings none of them back
        changes.changed.append("activated" if active else "deactivated")
        audit.record(
            actor_id,
            "user.reactivate" if active else "user.deactivate",
            f"user:{user.id}",
            user.email,
        )

    if moved or rules_follow or {"activated", "deactivated"} & set(changes.changed):
        db.session.flush()
        # Their due dates follow their department, job title and hire date.
        due_dates.refresh_due(user_ids=[user.id])
    return changes


def _move(user: User, department: str | None, actor_id: int | None) -> bool:
    """Put the person in the named department (None: in none); True when they moved."""
    target = None
    if department:
        target = department_named(department) or get_or_create_department(department, actor_id)
    if target is user.department:
        return False
    audit.record(
        actor_id,
        "user.department",
        f"user:{user.id}",
        f"{user.department.name if user.department else 'no department'} to "
        f"{target.name if target else 'no department'}",
    )
    user.department = target
    user.department_since = clock.today() if target else None
    return True


def set_managed_departments(
    user: User, departments: Iterable[Department], actor_id: int | None
) -> None:
    """Make the person the manager of exactly these departments; the caller commits."""
    unique = {d.id: d for d in departments}.values()
    user.managed_departments = sorted(unique, key=lambda d: d.name)
    audit.record(
        actor_id,
        "user.manages",
        f"user:{user.id}",
        "manages " + (", ".join(d.name for d in user.managed_departments) or "no department"),
    )


def set_manager(email: str, department_names: list[str], actor_id: int | None = None) -> User:
    """Make a person the manager of exactly these departments (created if new)."""
    user = db.session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None:
        raise AccountError(f"No account has the email {email}.", "email")
    if not department_names:
        raise AccountError("Name at least one department.", "managed_departments")
    departments = [get_or_create_department(n, actor_id) for n in department_names]
    set_managed_departments(user, departments, actor_id)
    if not user.has_role(Role.MANAGER):
        user.role_rows.append(UserRole(role=Role.MANAGER))
    return user


# Departments ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class DepartmentRow:
    """A department as the admin's list shows it, with its member counts."""

    id: int
    name: str
    members: int
    active_members: int


def all_departments() -> list[Department]:
    """Every department, by name (for choosing one)."""
    return list(db.session.scalars(select(Department).order_by(Department.name)))


def departments_with_counts() -> list[DepartmentRow]:
    """Every department with its member counts, in one GROUP BY."""
    rows = db.session.execute(
        select(
            Department.id,
            Department.name,
            func.count(User.id),
            func.count(case((User.active.is_(True), User.id))),
        )
        .outerjoin(User, User.department_id == Department.id)
        .group_by(Department.id, Department.name)
        .order_by(Department.name)
    )
    return [DepartmentRow(*row) for row in rows]


def department_named(name: str) -> Department | None:
    """The department with this name, ignoring case and spacing, if there is one."""
    name = " ".join(name.split())
    return db.session.scalar(
        select(Department).where(func.lower(Department.name) == name.lower()).limit(1)
    )


def _department_name(name: str, department_id: int | None = None) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise AccountError("Enter the department's name.", "name")
    if len(name) > 120:
        raise AccountError("Use at most 120 characters.", "name")
    same = department_named(name)
    if same is not None and same.id != department_id:
        raise AccountError(f"There is already a department called {same.name}.", "name")
    return name


def create_department(name: str, actor_id: int) -> Department:
    """A new, empty department; its name must differ from every other (ignoring case)."""
    name = _department_name(name)
    department = Department(name=name)
    db.session.add(department)
    db.session.flush()
    audit.record(actor_id, "department.create", f"department:{department.id}", name)
    return department


def rename_department(department_id: int, name: str, actor_id: int) -> Department:
    """Rename a department (its members, managers and assignments stay with it)."""
    department = db.session.get(Department, department_id)
    if department is None:
        raise AccountError("That department does not exist.")
    name = _department_name(name, department_id)
    if name != department.name:
        audit.record(
            actor_id,
            "department.rename",
            f"department:{department.id}",
            f"{department.name} to {name}",
        )
        department.name = name
    return department


def delete_department(department_id: int, actor_id: int) -> str:
    """Delete a department that has no members, assignments or rules; returns its name.

    Members (active or not) must be moved first; assignments are the record of what was
    required, so a department with any is kept (rename it instead).
    """
    department = db.session.get(Department, department_id)
    if department is None:
        raise AccountError("That department does not exist.")
    members = db.session.scalar(
        select(func.count(User.id)).where(User.department_id == department_id)
    )
    if members:
        raise AccountError(
            f"{department.name} still has {members} member{'s' if members != 1 else ''} "
            "(deactivated accounts count too): move them to another department first."
        )
    assigned = db.session.scalar(
        select(func.count(Assignment.id)).where(Assignment.department_id == department_id)
    ) + db.session.scalar(
        select(func.count(AssignmentRule.id)).where(AssignmentRule.department_id == department_id)
    )
    if assigned:
        raise AccountError(
            f"{department.name} cannot be deleted: {assigned} assignment"
            f"{'s are' if assigned != 1 else ' is'} recorded for it (rules included), and "
            "assignments are kept "
            "as the record of what was required. Rename it instead if its name is out of date."
        )
    name = department.name
    managers = db.session.scalars(
        select(User.email)
        .join(manager_department, manager_department.c.user_id == User.id)
        .where(manager_department.c.department_id == department_id)
        .order_by(User.email)
    ).all()
    db.session.execute(
        delete(manager_department).where(manager_department.c.department_id == department_id)
    )
    db.session.delete(department)
    audit.record(
        actor_id,
        "department.delete",
        f"department:{department_id}",
        name + (f" (no longer managed by {', '.join(managers)})" if managers else ""),
    )
    return name


def set_time_zone(user_id: int, time_zone: str | None) -> User:
    """Set the zone a person reads times in (an IANA name), or None for the organisation's.

    Raises AccountError (field "time_zone") for a name that is not an IANA zone.
    """
    user = _user(user_id)
    time_zone = (time_zone or "").strip() or None
    if time_zone is not None:
        try:
            clock.zone(time_zone)
        except clock.UnknownTimeZoneError:
            raise AccountError(
                "Choose a time zone from the list, such as Europe/London.", "time_zone"
            ) from None
    if user.time_zone != time_zone:
        audit.record(user_id, "user.time_zone", f"user:{user.id}", time_zone or "organisation's")
        user.time_zone = time_zone
    return user
