"""Passwords: hashing, checking, and refusing ones that are easy to guess.

Hashes are argon2id with argon2-cffi's default profile (RFC 9106's low-memory
recommendation: 3 passes over 64 MiB, 4 lanes). Hashes made before (werkzeug's scrypt at
N=2^15, or another `PASSWORD_HASH_METHOD`) still verify, and are replaced at the person's
next successful sign-in. Tests set a cheap werkzeug method to stay fast.

Strength is judged by zxcvbn (Dropbox's estimator): its lists of common passwords, words,
names and keyboard patterns, plus context words (the person's name and email, the product's
and the organisation's names, the demo password), must not make it guessable.
"""

import functools

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from werkzeug.security import check_password_hash, generate_password_hash
from zxcvbn import zxcvbn

ARGON2 = "argon2id"
_ARGON2 = PasswordHasher()

MIN_LENGTH = 10
MAX_LENGTH = 1000
#: zxcvbn scores 0-4; 3 is "safely unguessable: moderate protection from offline attack".
MIN_SCORE = 3
#: Words that make a password guessable here whoever the person is.
CONTEXT_WORDS = ("social", "rounds", "socialrounds", "rounds-demo", "demo", "hospital", "nurse")


def hash_password(password: str, method: str) -> str:
    """A new hash of `password` by `method` ("argon2id" or a werkzeug method string)."""
    if method == ARGON2:
        return _ARGON2.hash(password)
    return generate_password_hash(password, method=method)


def verify(stored: str, password: str) -> bool:
    """Whether `password` matches the stored hash (any method this app ever used)."""
    if stored.startswith("$argon2"):
        try:
            return _ARGON2.verify(stored, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False
    try:
        return check_password_hash(stored, password)
    except ValueError:  # an unknown or damaged hash
        return False


def needs_rehash(stored: str, method: str) -> bool:
    """Whether the stored hash was made by another method or weaker parameters."""
    if method == ARGON2:
        return not stored.startswith("$argon2") or _ARGON2.check_needs_rehash(stored)
    return not stored.split("$", 1)[0].startswith(method)


@functools.cache
def decoy_hash(method: str) -> str:
    """A hash to check against when there is no account (or it is deactivated).

    So every sign-in costs the same hashing whatever the email.
    """
    return hash_password("not a password anyone has", method)


def weakness(password: str, context: tuple[str, ...] = ()) -> str | None:
    """Why the password is refused (a sentence for the person choosing it), or None.

    `context` adds words a guesser would try for this person: their name, email, the
    organisation's name.
    """
    if len(password) < MIN_LENGTH:
        return f"The password must have at least {MIN_LENGTH} characters."
    if len(password) > MAX_LENGTH:
        return f"The password must have at most {MAX_LENGTH} characters."
    words = [w for text in (*CONTEXT_WORDS, *context) for w in _words(text)]
    # zxcvbn judges the first 72 characters; a longer passphrase is long enough anyway.
    result = zxcvbn(password[:72], user_inputs=words)
    if result["score"] >= MIN_SCORE:
        return None
    feedback = result["feedback"]
    reason = feedback.get("warning") or "This password would be easy to guess."
    tips = " ".join(feedback.get("suggestions") or [])
    return " ".join(part for part in (reason, tips) if part) or None


def _words(text: str) -> list[str]:
    """A context text and its parts: "Nora Nurse" -> nora nurse, "nurse@example.org" too."""
    text = (text or "").lower()
    parts = [text] + [p for p in text.replace("@", " ").replace(".", " ").split() if p]
    return [p for p in parts if len(p) >= 3]
