"""People: accounts, roles, departments, sessions, API tokens, sign-in throttling, mailed
links and MFA recovery codes."""

from datetime import date, datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import Column, ForeignKey, Index, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .types import enum_type, utcnow


class Role(StrEnum):
    LEARNER = "learner"
    TRAINER = "trainer"
    MANAGER = "manager"
    ADMIN = "admin"


#: Which departments a manager answers for.
manager_department = Table(
    "manager_department",
    db.metadata,
    Column("user_id", ForeignKey("user.id", ondelete="CASCADE"), primary_key=True),
    Column("department_id", ForeignKey("department.id", ondelete="CASCADE"), primary_key=True),
)


class Department(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)

    members: Mapped[list["User"]] = relationship(back_populates="department")


class User(UserMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    #: Stored lower-cased, so sign-in is case-insensitive.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"), index=True)
    #: The organisation's day the learner joined their department: assignments the department
    #: already had give them a grace period from then (Assignment.grace_days).
    department_since: Mapped[date | None]
    active: Mapped[bool] = mapped_column(default=True)
    #: The hospital's staff number, as the HR feed has it; unique when given (bulk import
    #: matches people by it before their email).
    employee_id: Mapped[str | None] = mapped_column(String(40), unique=True)
    job_title: Mapped[str | None] = mapped_column(String(120), index=True)
    #: The organisation's day they took this job title (None: before any assignment rule
    #: existed): a rule for the title counts from then (AssignmentRule).
    job_title_since: Mapped[date | None]
    #: The day they started (organisation's calendar); assignment rules count from it.
    hire_date: Mapped[date | None]
    #: IANA zone the person reads times in; None: the organisation's (services/clock.py).
    time_zone: Mapped[str | None] = mapped_column(String(64))
    #: The weekday (0 Monday .. 6 Sunday) a manager's weekly digest is sent on; turning it off
    #: is an opt-out (MailOptOut, kind "digest").
    digest_weekday: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: TOTP secret (base32) once the person enrolled in MFA (services/mfa.py); None: none.
    mfa_secret: Mapped[str | None] = mapped_column(String(64))
    #: The last TOTP time step accepted: a code is never accepted twice.
    mfa_last_step: Mapped[int | None]

    department: Mapped[Department | None] = relationship(back_populates="members")
    role_rows: Mapped[list["UserRole"]] = relationship(
        cascade="all, delete-orphan", lazy="selectin"
    )
    managed_departments: Mapped[list[Department]] = relationship(secondary=manager_department)

    # The report's default order (learner name) reads learners in this index, first page first.
    __table_args__ = (Index("ix_user_name", "name", "id"),)

    @property
    def roles(self) -> set[Role]:
        return {row.role for row in self.role_rows}

    def has_role(self, *roles: Role) -> bool:
        return not self.roles.isdisjoint(roles)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.active


class UserSession(db.Model):
    """One signed-in browser. Its cookies carry a random key; only the key's SHA-256 is
    stored. Signing out deletes the row; a new password or a deactivation deletes all of the
    person's rows, so a copied cookie stops working at once (services/sessions.py)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: "Keep me signed in": no idle limit, and a remember cookie until expires_at.
    remember: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: The absolute end: kept when the remember cookie's key is rotated, never extended.
    expires_at: Mapped[datetime] = mapped_column(index=True)


class UserRole(db.Model):
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[Role] = mapped_column(enum_type(Role), primary_key=True)


class ApiToken(db.Model):
    """A manager's token for the read-only report API; only its hash is stored."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    #: First characters of the token, shown so its owner can tell tokens apart.
    prefix: Mapped[str] = mapped_column(String(12))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()


class SignInAttempt(db.Model):
    """Failed sign-ins, kept in the database so every worker process on every host sees
    them; rows older than the throttling window are deleted (services/throttle.py)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    remote_addr: Mapped[str] = mapped_column(String(64))
    #: The browser's device id when it holds a device cookie for this account (a browser
    #: this person signed in on before), else NULL: failures from unknown browsers never
    #: slow down the person on their own device.
    device: Mapped[str | None] = mapped_column(String(64))
    attempted_at: Mapped[datetime] = mapped_column(index=True)

    __table_args__ = (
        Index("ix_sign_in_attempt_email_at", "email", "attempted_at"),
        Index("ix_sign_in_attempt_addr_at", "remote_addr", "attempted_at"),
    )


class StaffImport(db.Model):
    """A staff file's previewed plan, kept on the server under an unguessable token so the
    admin's confirmation applies exactly what they were shown (services/staff_import.py)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    filename: Mapped[str] = mapped_column(String(255))
    #: SHA-256 of the uploaded bytes, named in the audit lines.
    sha256: Mapped[str] = mapped_column(String(64))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    deactivate_missing: Mapped[bool] = mapped_column(default=False)
    #: What the file imports: "staff" (accounts) or "completions" (past completions).
    kind: Mapped[str] = mapped_column(String(20), default="staff", server_default="staff")
    #: The plan as JSON: rows to create, update and deactivate, refusals, counts.
    plan: Mapped[str] = mapped_column(Text)
    applied_at: Mapped[datetime | None]
    applied_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))


class LinkPurpose(StrEnum):
    PASSWORD_RESET = "password_reset"  # noqa: S105 (a purpose, not a password)
    EMAIL_CHANGE = "email_change"


class AccountLink(db.Model):
    """A single-use link sent by mail: a forgotten password's reset, a new email's
    confirmation. The link carries a random key; only its SHA-256 is stored
    (services/profile.py). Using it deletes it (and every other link of that purpose)."""

    __tablename__ = "account_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[LinkPurpose] = mapped_column(enum_type(LinkPurpose))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: The address being confirmed (an email change).
    new_email: Mapped[str | None] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)


class ResetRequest(db.Model):
    """A "forgot password" request, whatever the email: counted per address and per email
    to throttle the form (services/throttle.py); rows older than an hour are deleted."""

    __tablename__ = "reset_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    remote_addr: Mapped[str] = mapped_column(String(64))
    requested_at: Mapped[datetime] = mapped_column(index=True)

    __table_args__ = (
        Index("ix_reset_request_email_at", "email", "requested_at"),
        Index("ix_reset_request_addr_at", "remote_addr", "requested_at"),
    )


class RecoveryCode(db.Model):
    """One MFA recovery code, shown once at enrolment; only its SHA-256 is stored. Using it
    deletes it (services/mfa.py)."""

    __tablename__ = "recovery_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))


class SamlRequest(db.Model):
    """A SAML sign-in this app asked for and has not seen answered: an answer must be in
    response to one (no unsolicited answers), and using it deletes it (course/sso/saml.py).
    Kept in the database, not the session: the identity provider's POST back is cross-site,
    so the browser does not send the session cookie with it."""

    __tablename__ = "saml_request"

    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    #: Where to go after signing in (a path on this site).
    next: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class SeenAssertion(db.Model):
    """The id of every SAML assertion accepted, until it expires: the same assertion sent
    again (a replay) is refused."""

    __tablename__ = "seen_assertion"

    id: Mapped[str] = mapped_column(String(200), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(index=True)
