"""Sessions kept on the server: signing out, a new password or a deactivation ends them.

A browser's session cookie (and its remember cookie, with "Keep me signed in") carries a
random key; the database keeps only the key's SHA-256 in a `UserSession` row with the
session's absolute end. A cookie is honoured only while its row exists and has not expired,
so a cookie copied before sign-out is worthless after it. Services flush; the caller commits.
"""

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, select

from ..extensions import db
from ..models import UserSession
from ..models.types import utcnow


def digest(key: str) -> str:
    """What is stored of a session key."""
    return hashlib.sha256(key.encode()).hexdigest()


def begin(user_id: int, remember: bool, lifetime: timedelta) -> str:
    """Open a session lasting at most `lifetime`; returns the key for the cookies.

    Expired sessions of everyone are deleted on the way, so the table holds only live ones.
    """
    now = utcnow()
    prune(now)
    return _open(user_id, remember, now + lifetime)


def _open(user_id: int, remember: bool, expires_at: datetime) -> str:
    key = secrets.token_urlsafe(32)
    db.session.add(
        UserSession(user_id=user_id, key_hash=digest(key), remember=remember, expires_at=expires_at)
    )
    db.session.flush()
    return key


def rotate(key: str) -> str | None:
    """A new key for a remembered session (its old key stops working).

    The session's absolute end stays as it was. None when the session no longer exists.
    """
    row = db.session.scalar(select(UserSession).where(UserSession.key_hash == digest(key)))
    if row is None or row.expires_at <= utcnow():
        return None
    db.session.delete(row)
    return _open(row.user_id, row.remember, row.expires_at)


def end(key: str) -> None:
    """End one session (signing out)."""
    db.session.execute(delete(UserSession).where(UserSession.key_hash == digest(key)))


def end_all(user_id: int) -> int:
    """End every session of a person.

    A new password, a deactivation, "sign out everywhere". A later reactivation brings none of
    them back. Returns how many ended.
    """
    result = db.session.execute(delete(UserSession).where(UserSession.user_id == user_id))
    return result.rowcount or 0


def end_all_but(user_id: int, key: str) -> int:
    """End every session of a person but the one of this key; returns how many ended.

    They changed their password in it.
    """
    result = db.session.execute(
        delete(UserSession).where(
            UserSession.user_id == user_id, UserSession.key_hash != digest(key)
        )
    )
    return result.rowcount or 0


def prune(now: datetime | None = None) -> int:
    """Delete sessions past their absolute end; returns how many."""
    result = db.session.execute(
        delete(UserSession).where(UserSession.expires_at <= (now or utcnow()))
    )
    return result.rowcount or 0
