"""Compliance: assignments with due dates, certificates, and the audit trail."""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .content import Module
from .people import Department, User
from .types import utcnow


class Assignment(db.Model):
    """A module required of a department or of one learner by a due date."""

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("module.id", ondelete="CASCADE"), index=True)
    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("department.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), index=True
    )
    due_on: Mapped[date]
    #: After this many months a completion expires and the module is due again.
    recert_months: Mapped[int | None]
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    #: Days before the due date on which a learner who has not completed is reminded, as
    #: "7,1" (largest first); "" for none.
    remind_before: Mapped[str] = mapped_column(String(40), default="7,1", server_default="7,1")
    #: Once overdue, a reminder every this many days, at most `overdue_times` times (0: none).
    overdue_every: Mapped[int] = mapped_column(default=7, server_default="7")
    overdue_times: Mapped[int] = mapped_column(default=3, server_default="3")
    #: Someone who joins the department after the assignment was made is due no earlier than
    #: this many days after the day they joined.
    grace_days: Mapped[int] = mapped_column(default=30, server_default="30")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    module: Mapped[Module] = relationship()
    #: The target, for pages that name it (exactly one of the two is set).
    department: Mapped["Department | None"] = relationship()
    user: Mapped["User | None"] = relationship(foreign_keys=[user_id])

    __table_args__ = (
        CheckConstraint("(department_id IS NULL) <> (user_id IS NULL)", name="one_target"),
    )


#: The modules an assignment rule requires.
assignment_rule_module = Table(
    "assignment_rule_module",
    db.metadata,
    Column("rule_id", ForeignKey("assignment_rule.id", ondelete="CASCADE"), primary_key=True),
    Column("module_id", ForeignKey("module.id", ondelete="CASCADE"), primary_key=True),
)


class AssignmentRule(db.Model):
    """Modules required of whoever matches: a department and/or a job title, or everyone.

    Nobody is listed: due_dates.refresh_due matches people to the rule whenever it runs, so
    someone who joins, moves or changes job title gets the rule's modules at once. Due
    `due_days` after the later of their hire date and the day the rule started applying to
    them. A withdrawn rule stays (the record of what was required) and reaches nobody.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    #: None: any department (with job_title None too: everyone).
    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("department.id", ondelete="CASCADE"), index=True
    )
    #: Matched case-insensitively with User.job_title; None: any job title.
    job_title: Mapped[str | None] = mapped_column(String(120))
    due_days: Mapped[int]
    #: After this many months a completion expires and the module is due again; None: never.
    recert_months: Mapped[int | None]
    #: The organisation's day the rule was made: it applies to nobody before it.
    starts_on: Mapped[date]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    withdrawn_at: Mapped[datetime | None]
    withdrawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    modules: Mapped[list[Module]] = relationship(secondary=assignment_rule_module)
    department: Mapped["Department | None"] = relationship()
    created_by: Mapped["User | None"] = relationship(foreign_keys=[created_by_id])


class Certificate(db.Model):
    """Issued on completing a module; public verification by its unguessable code."""

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    module_id: Mapped[int] = mapped_column(ForeignKey("module.id", ondelete="CASCADE"))
    revision_number: Mapped[int]
    #: Copied at issue time: a certificate says what was true when it was issued.
    learner_name: Mapped[str] = mapped_column(String(120))
    module_title: Mapped[str] = mapped_column(String(200))
    score: Mapped[int | None]
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime | None]
    #: The module's continuing-education credit when issued (see Module).
    contact_hours_hundredths: Mapped[int | None]
    ce_provider: Mapped[str] = mapped_column(String(200), default="", server_default="")
    ce_number: Mapped[str] = mapped_column(String(100), default="", server_default="")
    ce_statement: Mapped[str] = mapped_column(Text, default="", server_default="")

    @property
    def contact_hours(self) -> Decimal | None:
        """Contact hours as a number (1.25), or None when the module carried none."""
        if self.contact_hours_hundredths is None:
            return None
        return Decimal(self.contact_hours_hundredths) / 100

    __table_args__ = (Index("ix_certificate_user_module", "user_id", "module_id"),)


class AuditEvent(db.Model):
    """One line per change a person makes: who, when, what."""

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    #: What was done, as "area.verb", e.g. "user.create"; the audit log page filters by it.
    action: Mapped[str] = mapped_column(String(60), index=True)
    #: What was changed, as "kind:id", e.g. "module:3".
    subject: Mapped[str] = mapped_column(String(80), default="", index=True)
    summary: Mapped[str] = mapped_column(Text, default="")


class Exemption(db.Model):
    """A manager's decision that a learner need not take a module assigned to them.

    With a reason, for good or through `ends_on` (the organisation's calendar date, inclusive):
    the day after, the row is back to its own status. Lifting one early sets `lifted_at`; rows
    are kept as the record (services/exemptions.py). At most one is current (not lifted) per
    learner and module.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    module_id: Mapped[int] = mapped_column(ForeignKey("module.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(String(500))
    #: The last day of the exemption; None: for good.
    ends_on: Mapped[date | None]
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    granted_at: Mapped[datetime] = mapped_column(default=utcnow)
    lifted_at: Mapped[datetime | None]
    lifted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    __table_args__ = (
        Index(
            "uq_exemption_current",
            "user_id",
            "module_id",
            unique=True,
            sqlite_where=text("lifted_at IS NULL"),
            postgresql_where=text("lifted_at IS NULL"),
        ),
    )


class PastCompletion(db.Model):
    """A completion done outside the app (another system, a classroom course), imported.

    External evidence, never rewritten: it completes the module (and starts the
    recertification clock) where the learner had no completion or an older one, and never
    yields a certificate or a quiz score (services/past_completions.py).
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    module_id: Mapped[int] = mapped_column(ForeignKey("module.id", ondelete="CASCADE"))
    #: The organisation's calendar date of the completion, as the file gave it.
    completed_on: Mapped[date]
    #: The start of that day in the organisation's zone, as naive UTC (what progress stores).
    completed_at: Mapped[datetime]
    #: Where it was done, e.g. "Classroom course 2025" (shown with "imported").
    source: Mapped[str] = mapped_column(String(120))
    note: Mapped[str] = mapped_column(String(500), default="", server_default="")
    import_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_import.id", ondelete="SET NULL")
    )
    imported_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        UniqueConstraint("user_id", "module_id", "completed_on", name="uq_past_completion"),
    )
