"""The audit trail: one line for every change a person makes."""

from ..extensions import db
from ..models import AuditEvent


def record(actor_id: int | None, action: str, subject: str = "", summary: str = "") -> None:
    """Add an audit line to the current transaction (the caller commits)."""
    db.session.add(AuditEvent(actor_id=actor_id, action=action, subject=subject, summary=summary))
