"""How Flask-Login finds the signed-in user: one prebuilt query on every request.

Every page needs the user, so this is the most run query of the app. It reads plain values
into a `SignedInUser` rather than an ORM `User`: the ORM's per-query work cost more than the
rest of a lesson page together (bench/load.py). Views that change the user load the row.
"""

import hmac
from dataclasses import dataclass

from flask_login import UserMixin
from sqlalchemy import bindparam, select

from ..extensions import db
from ..models import Role, User, UserRole
from ..models.people import session_key


@dataclass(frozen=True)
class SignedInUser(UserMixin):
    id: int
    name: str
    email: str
    roles: frozenset[Role]
    session_key: str
    #: Display zone (IANA name) or None for the organisation's.
    time_zone: str | None = None

    def has_role(self, *roles: Role) -> bool:
        return not self.roles.isdisjoint(roles)

    def get_id(self) -> str:
        return self.session_key


def _user_statement():
    user, role = User.__table__, UserRole.__table__
    return (
        select(user.c.name, user.c.email, user.c.password_hash, user.c.time_zone, role.c.role)
        .outerjoin(role, role.c.user_id == user.c.id)
        .where(user.c.id == bindparam("id"), user.c.active.is_(True))
    )


_USER = _user_statement()


def load_user(key: str) -> SignedInUser | None:
    """The active user a session remembers, or None: a deactivated account, or one whose
    password changed since the session began, is signed out at its next request."""
    user_id, _, _stamp = key.partition(":")
    if not user_id.isdigit():
        return None
    rows = db.session.execute(_USER, {"id": int(user_id)}).all()
    if not rows or not hmac.compare_digest(session_key(int(user_id), rows[0].password_hash), key):
        return None
    roles = frozenset(Role(row.role) for row in rows if row.role is not None)
    return SignedInUser(int(user_id), rows[0].name, rows[0].email, roles, key, rows[0].time_zone)
