"""What a person does for themselves.

A forgotten password, their name, email and password, signing out everywhere.

Links sent by mail (a password reset, a new email's confirmation) are single-use: the link
carries a random key, the database keeps its SHA-256 (`AccountLink`), and using it deletes
it with every other link of that purpose. A reset link lasts `RESET_LINK_LIFETIME` (an
hour); an email confirmation `EMAIL_LINK_LIFETIME` (a day). Every change writes an audit
line; services flush, the view commits.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, select

from ..extensions import db
from ..models import AccountLink, LinkPurpose, User
from ..models.types import utcnow
from . import accounts, audit, mail, passwords, sessions, throttle
from .accounts import AccountError

RESET_LINK_LIFETIME = timedelta(hours=1)
EMAIL_LINK_LIFETIME = timedelta(days=1)


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _new_link(user: User, purpose: LinkPurpose, lifetime: timedelta, new_email=None) -> str:
    key = secrets.token_urlsafe(32)
    now = utcnow()
    db.session.execute(delete(AccountLink).where(AccountLink.expires_at <= now))
    db.session.add(
        AccountLink(
            user_id=user.id,
            purpose=purpose,
            key_hash=_digest(key),
            new_email=new_email,
            created_at=now,
            expires_at=now + lifetime,
        )
    )
    db.session.flush()
    return key


def _link(key: str, purpose: LinkPurpose) -> AccountLink | None:
    """The live link of this key and purpose, for an active account; None otherwise."""
    if not key or len(key) > 100:
        return None
    link = db.session.scalar(
        select(AccountLink).where(
            AccountLink.key_hash == _digest(key),
            AccountLink.purpose == purpose,
            AccountLink.expires_at > utcnow(),
        )
    )
    if link is None:
        return None
    user = db.session.get(User, link.user_id)
    return link if user is not None and user.active else None


def _use_links(user_id: int, purpose: LinkPurpose) -> None:
    db.session.execute(
        delete(AccountLink).where(AccountLink.user_id == user_id, AccountLink.purpose == purpose)
    )


# -- a forgotten password ----------------------------------------------------------------------


def request_password_reset(email: str, address: str) -> None:
    """Mail a reset link to the account with this email, if it may have one.

    That is an active account whose password may be used, sent few enough links this hour.
    Says nothing either way: the page answers the same whatever the email.
    """
    email = accounts.normalise_email(email)
    if not throttle.record_reset_request(email, address):
        return
    user = db.session.scalar(select(User).where(User.email == email))
    if user is None or not user.active or not accounts.may_use_password(user):
        return
    key = _new_link(user, LinkPurpose.PASSWORD_RESET, RESET_LINK_LIFETIME)
    mail.enqueue("password_reset", user.email, user_id=user.id, params={"key": key})
    audit.record(None, "user.password_reset_requested", f"user:{user.id}", f"from {address}")


def reset_link_user(key: str) -> User | None:
    """The person a live reset link is for; None for an unknown, used or expired one."""
    link = _link(key, LinkPurpose.PASSWORD_RESET)
    return db.session.get(User, link.user_id) if link else None


def complete_password_reset(key: str, password: str) -> User:
    """Set a new password through a reset link.

    The link (and any other) is used up, every session and API token of the person ends, their
    failed sign-ins are forgotten.

    Raises AccountError: "password" for a weak password, None for a dead link.
    """
    link = _link(key, LinkPurpose.PASSWORD_RESET)
    if link is None:
        raise AccountError(DEAD_LINK)
    user = db.session.get(User, link.user_id)
    accounts.check_password(password, (user.name, user.email))
    _set_password(user, password)
    _use_links(user.id, LinkPurpose.PASSWORD_RESET)
    sessions.end_all(user.id)
    throttle.forget_failures(user.email, everywhere=True)
    audit.record(user.id, "user.password", f"user:{user.id}", "reset through a mailed link")
    return user


DEAD_LINK = (
    "This link has expired or was already used. Ask for a new one: links work once, for one hour."
)


def _set_password(user: User, password: str) -> None:
    user.password_hash = passwords.hash_password(
        password, current_app.config["PASSWORD_HASH_METHOD"]
    )


# -- My account --------------------------------------------------------------------------------


def change_name(user_id: int, name: str) -> User:
    """A person corrects their own name (as it prints on certificates)."""
    user = db.session.get(User, user_id)
    name = " ".join((name or "").split())
    if not name:
        raise AccountError("Enter your name.", "name")
    if len(name) > 120:
        raise AccountError("Use at most 120 characters.", "name")
    if name != user.name:
        audit.record(user.id, "user.update", f"user:{user.id}", f"name {user.name!r} to {name!r}")
        user.name = name
    return user


@dataclass(frozen=True)
class EmailChange:
    """A change asked for: a link went to the new address."""

    new_email: str


def request_email_change(user_id: int, new_email: str) -> EmailChange:
    """Mail a confirmation link to the new address.

    The email changes only when it is followed. The current password was checked by the caller.
    """
    user = db.session.get(User, user_id)
    new_email = accounts.normalise_email(new_email)
    if new_email == user.email:
        raise AccountError("That is already your email address.", "email")
    if accounts.email_taken(new_email, except_user_id=user.id):
        raise AccountError("Another account already has this email address.", "email")
    _use_links(user.id, LinkPurpose.EMAIL_CHANGE)  # only the latest request counts
    key = _new_link(user, LinkPurpose.EMAIL_CHANGE, EMAIL_LINK_LIFETIME, new_email)
    mail.enqueue(
        "email_change", new_email, user_id=user.id, params={"key": key, "new_email": new_email}
    )
    audit.record(user.id, "user.email_change_requested", f"user:{user.id}", new_email)
    return EmailChange(new_email)


def email_link(key: str) -> AccountLink | None:
    """A live email-confirmation link; None for an unknown, used or expired one."""
    return _link(key, LinkPurpose.EMAIL_CHANGE)


def confirm_email_change(key: str) -> User:
    """Follow a confirmation link.

    The account's email becomes the confirmed one, and the old address is told. Raises
    AccountError for a dead link or a taken address.
    """
    link = _link(key, LinkPurpose.EMAIL_CHANGE)
    if link is None:
        raise AccountError(DEAD_LINK.replace("one hour", "one day"))
    user = db.session.get(User, link.user_id)
    if accounts.email_taken(link.new_email, except_user_id=user.id):
        raise AccountError("Another account has taken this email address in the meantime.")
    old = user.email
    user.email = link.new_email
    _use_links(user.id, LinkPurpose.EMAIL_CHANGE)
    _use_links(user.id, LinkPurpose.PASSWORD_RESET)  # a link sent to the old address dies
    mail.enqueue("email_changed", old, user_id=user.id, params={"old": old, "new": user.email})
    audit.record(user.id, "user.update", f"user:{user.id}", f"email {old} to {user.email}")
    return user


def change_password(user_id: int, password: str, keep_session: str) -> User:
    """A person sets a new password (their current one was checked by the caller).

    Every other session of theirs ends, this one (`keep_session`, its key) stays.
    """
    user = db.session.get(User, user_id)
    accounts.check_password(password, (user.name, user.email))
    if passwords.verify(user.password_hash, password):
        raise AccountError("That is your current password: choose a new one.", "password")
    _set_password(user, password)
    _use_links(user.id, LinkPurpose.PASSWORD_RESET)
    sessions.end_all_but(user.id, keep_session)
    audit.record(user.id, "user.password", f"user:{user.id}", "changed by the person")
    return user


def sign_out_everywhere(user_id: int) -> int:
    """End every session of the person, this one included; returns how many ended."""
    ended = sessions.end_all(user_id)
    audit.record(user_id, "user.sign_out_everywhere", f"user:{user_id}", f"{ended} sessions")
    return ended
