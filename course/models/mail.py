"""Mail: the outbox (written in the event's transaction), each delivery attempt, opt-outs."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import Json, enum_type, utcnow


class MessageState(StrEnum):
    PENDING = "pending"
    #: Claimed by a sender until `lease_until`; no other sender takes it before then.
    SENDING = "sending"
    SENT = "sent"
    #: Refused for good by the server, or still failing after the last retry.
    FAILED = "failed"
    #: Not sent on purpose: the person turned this kind off, or left, before it went.
    CANCELLED = "cancelled"


class OutboxMessage(db.Model):
    """One message to one person, written in the same transaction as its cause."""

    __tablename__ = "outbox_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: A kind registered in services/notifications.py (its templates, subject and footer).
    kind: Mapped[str] = mapped_column(String(40))
    #: Written at most once: a second message with the same key is not added (reminders use
    #: kind, person, assignment and day).
    key: Mapped[str | None] = mapped_column(String(200), unique=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    to_address: Mapped[str] = mapped_column(String(254))
    module_id: Mapped[int | None] = mapped_column(ForeignKey("module.id", ondelete="SET NULL"))
    assignment_id: Mapped[int | None] = mapped_column(
        ForeignKey("assignment.id", ondelete="SET NULL")
    )
    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("department.id", ondelete="SET NULL")
    )
    #: The organisation's date the message is about: a due date, an expiry date.
    about_on: Mapped[date | None]
    #: Values fixed when the event happened (a retraining reason, the day a reminder is for).
    params: Mapped[dict | None] = mapped_column(Json)
    state: Mapped[MessageState] = mapped_column(
        enum_type(MessageState), default=MessageState.PENDING
    )
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    lease_until: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    #: Set with `mime` at the first attempt.
    subject: Mapped[str | None] = mapped_column(String(300))
    #: The message exactly as sent (RFC 5322), built once so every retry sends the same bytes.
    mime: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    sent_at: Mapped[datetime | None]

    __table_args__ = (
        # What a sender asks for: pending messages whose time has come, oldest first.
        Index("ix_outbox_message_due", "state", "next_attempt_at"),
    )


class MailAttempt(db.Model):
    """One delivery attempt of one message and what the server (or the file system) said."""

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(
        ForeignKey("outbox_message.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(default=utcnow)
    ok: Mapped[bool]
    #: "smtp", "file".
    transport: Mapped[str] = mapped_column(String(10))
    error: Mapped[str | None] = mapped_column(Text)


class MailOptOut(db.Model):
    """A person who turned off an optional kind of message (never a compliance reminder)."""

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(40), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
