"""How Flask-Login finds the signed-in user (one prebuilt query on every request), and the
session rules: an idle limit, the remember cookie's key rotated each time it is used.

Every page needs the user, so this is the most run query of the app. It reads plain values
into a `SignedInUser` rather than an ORM `User`: the ORM's per-query work cost more than the
rest of a lesson page together (bench/load.py); and it runs as a `database.Prepared`
statement, compiled once, through the driver. Views that change the user load the row.
"""

import time
from dataclasses import dataclass

from flask import Flask, current_app, flash, redirect, request, session, url_for
from flask_login import (
    UserMixin,
    current_user,
    login_user,
    logout_user,
    user_loaded_from_cookie,
)
from sqlalchemy import bindparam, select

from ..database import Prepared, begin_writing
from ..extensions import db
from ..models import Role, User, UserRole, UserSession
from ..models.types import utcnow
from ..navigation import home_url
from ..services import audit, sessions
from ..services.sessions import digest
from . import devices
from .redirects import is_safe_url


@dataclass(frozen=True)
class SignedInUser(UserMixin):
    id: int
    name: str
    email: str
    roles: frozenset[Role]
    #: The key of this browser's session (services/sessions.py), what its cookies carry.
    session_key: str
    #: Display zone (IANA name) or None for the organisation's.
    time_zone: str | None = None
    #: "Keep me signed in" was ticked: no idle limit.
    remember: bool = False

    def has_role(self, *roles: Role) -> bool:
        return not self.roles.isdisjoint(roles)

    def get_id(self) -> str:
        return self.session_key


def _user_statement():
    user, role, live = User.__table__, UserRole.__table__, UserSession.__table__
    return (
        select(
            user.c.id,
            user.c.name,
            user.c.email,
            user.c.time_zone,
            live.c.remember,
            role.c.role,
        )
        .join(user, user.c.id == live.c.user_id)
        .outerjoin(role, role.c.user_id == user.c.id)
        .where(
            live.c.key_hash == bindparam("key_hash"),
            live.c.expires_at > bindparam("now"),
            user.c.active.is_(True),
        )
    )


_USER = Prepared(_user_statement())


def load_user(key: str) -> SignedInUser | None:
    """The active user of a live session, or None: a session that was ended (sign-out, a
    new password, a deactivation) or is past its absolute end signs the browser out."""
    if not key or len(key) > 100:
        return None
    rows = _USER.rows({"key_hash": digest(key), "now": utcnow()})
    if not rows:
        return None
    user_id, name, email, time_zone, remember, _ = rows[0]
    roles = frozenset(Role(row[5]) for row in rows if row[5] is not None)
    return SignedInUser(user_id, name, email, roles, key, time_zone, bool(remember))


# The session rules -------------------------------------------------------------------------

#: Session keys of ours, beside Flask-Login's: "keep me signed in" was ticked; the time
#: (epoch seconds) of the last request, to the minute.
KEEP, SEEN = "_keep", "_seen"


def note_activity(remember: bool | None = None) -> None:
    """Note a request now (and, at sign-in, whether the session is remembered)."""
    if remember is not None:
        session[KEEP] = remember
    session[SEEN] = int(time.time())


def enforce_idle_limit() -> None:
    """Before every request: a session without "Keep me signed in" that saw no request for
    SESSION_IDLE_TIMEOUT ends, on the server too (a shared ward PC left signed in)."""
    if request.endpoint == "static" or "_user_id" not in session:
        return
    now = int(time.time())
    seen = session.get(SEEN, now)
    idle = current_app.config["SESSION_IDLE_TIMEOUT"].total_seconds()
    if not session.get(KEEP) and now - seen > idle:
        begin_writing()
        sessions.end(session["_user_id"])
        db.session.commit()
        session.clear()
        logout_user()
        flash(
            f"You were signed out after {int(idle // 60)} minutes without activity, as on "
            "every shared computer. Please sign in again.",
            "info",
        )
        return
    if now - seen >= 60:
        session[SEEN] = now


def rotate_remembered(_app, user: SignedInUser) -> None:
    """A session brought back by the remember cookie (the browser was closed) gets a new
    key: the old cookie, and any copy of it, stops working. Its absolute end stays."""
    begin_writing()
    key = sessions.rotate(user.session_key)
    db.session.commit()
    if key is None:
        logout_user()
        return
    session["_user_id"] = key
    session["_remember"] = "set"  # Flask-Login writes the new remember cookie
    note_activity(remember=True)


def register_session_rules(app: Flask) -> None:
    app.before_request(enforce_idle_limit)
    user_loaded_from_cookie.connect(rotate_remembered, app)


# Opening a session ---------------------------------------------------------------------------


def open_session(user_id: int, remember: bool) -> None:
    """Open a server-side session for the person in this browser (the caller's transaction
    is committed on the way)."""
    config = current_app.config
    lifetime = config["REMEMBER_COOKIE_DURATION"] if remember else config["SESSION_LIFETIME"]
    key = sessions.begin(user_id, remember, lifetime)
    address = request.remote_addr or "unknown"
    audit.record(user_id, "auth.sign_in", f"user:{user_id}", f"from {address}")
    db.session.commit()
    session.clear()  # nothing of the anonymous session (its CSRF token) carries over
    login_user(load_user(key), remember=remember)
    note_activity(remember)


def landing(target: str | None, device, user_id: int):
    # The site's root is no page of its own: each person lands where their work is.
    wanted = is_safe_url(target) and target != url_for("learn.dashboard")
    response = redirect(target if wanted else home_url(current_user))
    devices.remember(response, device, user_id)
    return response
