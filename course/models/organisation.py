"""The organisation's own things: its logo, printed on certificates."""

from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import utcnow


class OrganisationLogo(db.Model):
    """An uploaded logo; the newest row is the one in use (older ones are kept, as uploaded)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    #: "image/png" or "image/jpeg", decided from the file's content, never from its name.
    content_type: Mapped[str] = mapped_column(String(20))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    width: Mapped[int]
    height: Mapped[int]
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
