"""API tokens: a manager's key to the read-only report API. Only a hash is stored."""

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import select, update

from ..extensions import db
from ..models import ApiToken, Role, User
from ..models.types import utcnow
from . import audit

PREFIX = "sr_"
#: A token stops working this long after it was created, unless revoked sooner.
LIFETIME = timedelta(days=365)


class TokenError(ValueError):
    """A token that cannot be used; the message says why (shown to the API caller)."""


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def create(user: User, name: str) -> tuple[str, ApiToken]:
    """Create a token; returns the raw token (shown once, never stored) and its row."""
    raw = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=name.strip(), prefix=raw[:10], token_hash=_digest(raw))
    db.session.add(token)
    db.session.flush()
    audit.record(user.id, "api_token.create", f"api_token:{token.id}", token.name)
    return raw, token


def revoke(user: User, token_id: int) -> bool:
    """Revoke one of the user's own tokens; False when it is not theirs or already revoked."""
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id or token.revoked_at is not None:
        return False
    token.revoked_at = utcnow()
    audit.record(user.id, "api_token.revoke", f"api_token:{token.id}", token.name)
    return True


def revoke_all(user_id: int) -> int:
    """Revoke every live token of a person (their password was reset).

    Returns how many. The caller commits and writes the audit line.
    """
    result = db.session.execute(
        update(ApiToken)
        .where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    return result.rowcount or 0


def tokens_of(user: User) -> list[ApiToken]:
    """A person's API tokens, newest first, revoked and expired ones included."""
    return list(
        db.session.scalars(
            select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id.desc())
        )
    )


def expires_at(token: ApiToken):
    """When the token stops working: LIFETIME after it was made."""
    return token.created_at + LIFETIME


def authenticate(raw: str | None) -> User:
    """The manager a raw token belongs to; raises TokenError saying what is wrong.

    Notes the token's use (at most once a minute); the caller commits.
    """
    if not raw:
        raise TokenError("Send your API token as 'Authorization: Bearer <token>'.")
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(raw)))
    if token is None:
        raise TokenError("This API token is not known.")
    now = utcnow()
    if token.revoked_at is not None:
        raise TokenError("This API token was revoked.")
    if now >= expires_at(token):
        raise TokenError("This API token has expired; create a new one on your profile page.")
    user = token.user
    if not user.active or not user.has_role(Role.MANAGER, Role.ADMIN):
        raise TokenError("This API token's account may no longer read reports.")
    # Note use at most once a minute, so polling clients do not write on every request.
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        token.last_used_at = now
    return user
