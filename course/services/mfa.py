"""Two-step sign-in (MFA) for local passwords.

A time-based code (TOTP, RFC 6238, pyotp) from an authenticator app, or a one-time recovery
code.

Admins and managers may enrol; the roles in MFA_REQUIRED_ROLES (admins by default) must
when they sign in with a password: their sign-in asks them to enrol before it opens a session.
Enrolment shows a QR code (segno) of the secret and, once a first code is right, ten recovery
codes, shown once and stored as SHA-256 hashes. A code is accepted once (the time step of the
last one is kept); a recovery code is deleted when used. An admin can reset a person's MFA
(they enrol again at their next sign-in). Every change writes an audit line; the caller
commits.
"""

import hashlib
import secrets
import time

import pyotp
import segno
from flask import current_app
from sqlalchemy import delete, select

from ..extensions import db
from ..models import RecoveryCode, Role, User
from . import audit
from .refusal import RefusalError

#: Roles that may enrol.
MAY_ENROL = (Role.ADMIN, Role.MANAGER)
RECOVERY_CODES = 10
#: Recovery codes: 10 characters of an alphabet without look-alikes (50 bits each).
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


class MfaError(RefusalError):
    """A code that is wrong, used or malformed; `field` names the input."""


def required_roles() -> set[Role]:
    """The roles that must use MFA when they sign in with a password (MFA_REQUIRED_ROLES.

    A single sign-on leaves the second step to the identity provider). With local passwords off,
    that is the break-glass admin's sign-in.
    """
    return {Role(r) for r in current_app.config["MFA_REQUIRED_ROLES"]}


def is_required(user) -> bool:
    """True when the person's roles must sign in with a second step."""
    return user.has_role(*required_roles())


def may_enrol(user) -> bool:
    """True when the person's roles may set up a second step."""
    return user.has_role(*MAY_ENROL)


def new_secret() -> str:
    """A new random TOTP secret (base 32)."""
    return pyotp.random_base32()


def qr_svg(user_email: str, secret: str) -> str:
    """The enrolment QR code as inline SVG (an otpauth:// URI an authenticator app reads)."""
    issuer = current_app.config.get("ORGANISATION_NAME") or "Social Rounds"
    uri = pyotp.TOTP(secret).provisioning_uri(name=user_email, issuer_name=issuer)
    return segno.make(uri, error="m").svg_inline(scale=5, title="QR code to scan", dark="#000")


def _digits(code: str) -> str:
    return "".join(code.split()).replace("-", "")


def _step(secret: str, code: str, after: int | None) -> int | None:
    """The time step a 6-digit code belongs to (now, or 30 s either side), if later than `after`.

    None when it matches no step or one already used.
    """
    totp = pyotp.TOTP(secret)
    now = int(time.time())
    for offset in (0, -1, 1):
        step = totp.timecode(now + offset * totp.interval)
        if secrets.compare_digest(totp.generate_otp(step), code):
            return step if after is None or step > after else None
    return None


def _digest(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def enrol(user_id: int, secret: str, code: str) -> list[str]:
    """Turn MFA on with this secret once a first code from it is right.

    Returns the recovery codes (shown once, stored hashed). Raises MfaError (field "code").
    """
    user = db.session.get(User, user_id)
    code = _digits(code)
    step = _step(secret, code, None) if code.isdigit() and len(code) == 6 else None
    if step is None:
        raise MfaError(
            "That code is not the one your app shows now. Check the phone's clock and type "
            "the 6 digits shown.",
            "code",
        )
    user.mfa_secret = secret
    user.mfa_last_step = step
    codes = _new_recovery_codes(user.id)
    audit.record(user.id, "user.mfa_enrol", f"user:{user.id}", "two-step sign-in set up")
    return codes


def _new_recovery_codes(user_id: int) -> list[str]:
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user_id))
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(_ALPHABET) for _ in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
        db.session.add(RecoveryCode(user_id=user_id, code_hash=_digest(raw)))
    db.session.flush()
    return codes


def check(user_id: int, code: str) -> bool:
    """Whether `code` is the person's current TOTP code or one of their recovery codes.

    A TOTP code counts once; a recovery code is then used up. Records the step or the use.
    """
    user = db.session.get(User, user_id)
    if user is None or not user.mfa_secret:
        return False
    typed = _digits(code or "").lower()
    if typed.isdigit() and len(typed) == 6:
        step = _step(user.mfa_secret, typed, user.mfa_last_step)
        if step is None:
            return False
        user.mfa_last_step = step
        return True
    if len(typed) != 10:
        return False
    row = db.session.scalar(
        select(RecoveryCode).where(
            RecoveryCode.user_id == user.id, RecoveryCode.code_hash == _digest(typed)
        )
    )
    if row is None:
        return False
    db.session.delete(row)
    left = (
        db.session.scalar(
            select(db.func.count()).where(
                RecoveryCode.user_id == user.id, RecoveryCode.id != row.id
            )
        )
        or 0
    )
    audit.record(user.id, "user.mfa_recovery_code", f"user:{user.id}", f"{left} left")
    return True


def recovery_codes_left(user_id: int) -> int:
    """How many recovery codes the person has not used."""
    return db.session.scalar(select(db.func.count()).where(RecoveryCode.user_id == user_id)) or 0


def turn_off(user_id: int) -> User:
    """A person turns their own MFA off (only where it is not required of them)."""
    user = db.session.get(User, user_id)
    if is_required(user):
        raise MfaError("Two-step sign-in is required for your role: it cannot be turned off.")
    _clear(user)
    audit.record(user.id, "user.mfa_off", f"user:{user.id}", "turned off by the person")
    return user


def reset(user_id: int, actor_id: int) -> User:
    """An admin resets a person's MFA (a lost phone): they set it up again at next sign-in."""
    user = db.session.get(User, user_id)
    if user is None:
        raise MfaError("That account does not exist.")
    if not user.mfa_secret:
        raise MfaError(f"{user.email} has no two-step sign-in to reset.")
    _clear(user)
    audit.record(actor_id, "user.mfa_reset", f"user:{user.id}", "reset by an admin")
    return user


def _clear(user: User) -> None:
    user.mfa_secret = None
    user.mfa_last_step = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
