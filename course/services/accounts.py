"""Accounts: creating people, signing in with throttling, departments and roles."""

from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, func, select
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from ..models import Department, Role, SignInAttempt, User, UserRole
from ..models.people import manager_department
from ..models.types import utcnow
from . import audit

GENERIC_FAILURE = "That email and password do not match an account. Please try again."
MIN_PASSWORD_LENGTH = 10
# A hash to check against when the email is unknown, so both paths cost the same time.
_DUMMY_HASH = generate_password_hash("not-a-real-password")


class AccountError(ValueError):
    """A request to change accounts that the rules refuse; the message says why."""


@dataclass(frozen=True)
class SignInOutcome:
    user: User | None
    message: str = ""


def _hash(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def normalise_email(email: str) -> str:
    return email.strip().lower()


def get_or_create_department(name: str) -> Department:
    name = name.strip()
    department = db.session.scalar(select(Department).where(Department.name == name))
    if department is None:
        department = Department(name=name)
        db.session.add(department)
        db.session.flush()
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


def create_user(
    email: str,
    name: str,
    password: str,
    roles: set[Role] | frozenset[Role] = frozenset({Role.LEARNER}),
    department: str | None = None,
    actor_id: int | None = None,
) -> User:
    """Create an account; raises AccountError for a taken email or a short password."""
    email = normalise_email(email)
    if db.session.scalar(select(User.id).where(User.email == email)):
        raise AccountError(f"An account with the email {email} already exists.")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"The password must have at least {MIN_PASSWORD_LENGTH} characters.")
    user = User(
        email=email,
        name=name.strip(),
        password_hash=_hash(password),
        department=get_or_create_department(department) if department else None,
        role_rows=[UserRole(role=Role(r)) for r in sorted(set(roles))],
    )
    db.session.add(user)
    db.session.flush()
    if user.department_id is not None:
        from .assignments import refresh_due  # assignments imports this module

        refresh_due(user_ids=[user.id])  # their department's assignments reach them now
    audit.record(
        actor_id, "user.create", f"user:{user.id}", f"{email} as {', '.join(sorted(roles))}"
    )
    return user


def authenticate(email: str, password: str, remote_addr: str | None) -> SignInOutcome:
    """Check a sign-in; too many recent failures are refused before any hashing."""
    email = normalise_email(email or "")
    remote_addr = remote_addr or "unknown"
    now = utcnow()
    since = now - current_app.config["SIGN_IN_WINDOW"]
    limit = current_app.config["SIGN_IN_MAX_FAILURES"]
    failures = db.session.scalar(
        select(func.count())
        .select_from(SignInAttempt)
        .where(SignInAttempt.email == email, SignInAttempt.attempted_at >= since)
    )
    if failures >= limit:
        minutes = int(current_app.config["SIGN_IN_WINDOW"] / timedelta(minutes=1))
        return SignInOutcome(
            None,
            f"Too many failed attempts for this account. Please wait {minutes} minutes "
            "and try again, or ask your administrator to reset your password.",
        )
    user = db.session.scalar(select(User).where(User.email == email))
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
    elif user.active and check_password_hash(user.password_hash, password):
        db.session.execute(delete(SignInAttempt).where(SignInAttempt.email == email))
        db.session.commit()
        return SignInOutcome(user)
    db.session.add(SignInAttempt(email=email, remote_addr=remote_addr, attempted_at=now))
    db.session.commit()
    return SignInOutcome(None, GENERIC_FAILURE)


def set_password(user: User, password: str, actor_id: int | None = None) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"The password must have at least {MIN_PASSWORD_LENGTH} characters.")
    user.password_hash = _hash(password)
    audit.record(actor_id, "user.password", f"user:{user.id}", "password changed")
