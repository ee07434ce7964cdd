"""Policies: the organisation's own rules (a social-media policy), their versions, who must
sign them by when, and the signatures.

A published version is never changed: a change is a new version. A signature is never
edited or deleted: it records the person, the version, a SHA-256 of the exact text they were
shown, the name they typed, the time (UTC), their IP address and browser.
"""

from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    event,
    inspect,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .people import Department, User
from .types import utcnow


class Policy(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    #: The newest published version's title (kept with it for lists and reports).
    title: Mapped[str] = mapped_column(String(200))
    current_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("policy_version.id", use_alter=True, ondelete="SET NULL")
    )
    #: Signatures of versions older than this number no longer count: the version that asked
    #: everyone to sign again.
    resign_since: Mapped[int] = mapped_column(default=1)
    #: When a version asked previous signers to sign again: by when, and why.
    resign_due_on: Mapped[date | None]
    resign_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    current: Mapped["PolicyVersion | None"] = relationship(
        foreign_keys=[current_version_id], post_update=True
    )
    versions: Mapped[list["PolicyVersion"]] = relationship(
        foreign_keys="PolicyVersion.policy_id",
        order_by="PolicyVersion.number.desc()",
        back_populates="policy",
    )


class PolicyVersion(db.Model):
    """One version of a policy; a draft (published_at NULL) until published, then frozen."""

    id: Mapped[int] = mapped_column(primary_key=True)
    policy_id: Mapped[int] = mapped_column(ForeignKey("policy.id"), index=True)
    number: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    body_markdown: Mapped[str] = mapped_column(Text)
    #: Sanitized on save (as lessons are); readers and signers are shown this.
    body_html: Mapped[str] = mapped_column(Text)
    #: The day the version takes effect (the organisation's calendar).
    effective_on: Mapped[date]
    change_summary: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    published_at: Mapped[datetime | None]
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    policy: Mapped[Policy] = relationship(foreign_keys=[policy_id], back_populates="versions")

    __table_args__ = (UniqueConstraint("policy_id", "number"),)


class PolicySignature(db.Model):
    """One person's signature of one version: evidence, never edited or deleted."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    policy_id: Mapped[int] = mapped_column(ForeignKey("policy.id"))
    version_id: Mapped[int] = mapped_column(ForeignKey("policy_version.id"))
    version_number: Mapped[int]
    #: SHA-256 (hex) of the exact text shown: the version's title, number and sanitized body.
    text_sha256: Mapped[str] = mapped_column(String(64))
    #: The full name as the person typed it.
    typed_name: Mapped[str] = mapped_column(String(120))
    signed_at: Mapped[datetime] = mapped_column(default=utcnow)
    ip_address: Mapped[str] = mapped_column(String(64))
    user_agent: Mapped[str] = mapped_column(String(500))
    #: How the person confirmed it was them: "oidc" or "saml" (a fresh single sign-on), or
    #: NULL for their password (every signature made before single sign-on could confirm).
    confirmed_by: Mapped[str | None] = mapped_column(String(20))
    #: For a single sign-on: when the identity provider says the person signed in again
    #: (the ID token's auth_time, the assertion's AuthnInstant), UTC.
    reauthenticated_at: Mapped[datetime | None]

    version: Mapped[PolicyVersion] = relationship()
    user: Mapped[User] = relationship()

    @property
    def confirmation(self) -> str:
        """How the signer confirmed it was them, in words."""
        if self.confirmed_by == "oidc":
            return "a fresh single sign-on (OpenID Connect)"
        if self.confirmed_by == "saml":
            return "a fresh single sign-on (SAML)"
        return "their password"

    __table_args__ = (
        UniqueConstraint("user_id", "version_id"),
        Index("ix_policy_signature_user_policy", "user_id", "policy_id", "version_number"),
        Index("ix_policy_signature_policy", "policy_id", "user_id"),
    )


class PolicyAssignment(db.Model):
    """A policy to be signed by a department or one person by a due date."""

    id: Mapped[int] = mapped_column(primary_key=True)
    policy_id: Mapped[int] = mapped_column(ForeignKey("policy.id"), index=True)
    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("department.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), index=True
    )
    due_on: Mapped[date]
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    policy: Mapped[Policy] = relationship()
    department: Mapped[Department | None] = relationship()
    user: Mapped[User | None] = relationship(foreign_keys=[user_id])

    __table_args__ = (
        CheckConstraint("(department_id IS NULL) <> (user_id IS NULL)", name="policy_one_target"),
    )


class EvidenceChangeError(RuntimeError):
    """An attempt to change or delete a signature or a published policy version."""


@event.listens_for(PolicySignature, "before_update")
@event.listens_for(PolicySignature, "before_delete")
def _signatures_are_never_changed(mapper, connection, target):
    raise EvidenceChangeError("A policy signature is never edited or deleted.")


@event.listens_for(PolicyVersion, "before_update")
@event.listens_for(PolicyVersion, "before_delete")
def _published_versions_are_frozen(mapper, connection, target):
    published_at = inspect(target).attrs.published_at.history
    was_published = (published_at.deleted or published_at.unchanged or [None])[0] is not None
    if was_published:
        raise EvidenceChangeError("A published policy version is never changed.")
