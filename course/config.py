"""Settings: defaults here, then instance/config.py, then the environment, then tests."""

import os
import secrets
from datetime import timedelta
from pathlib import Path
from zoneinfo import available_timezones


class Defaults:
    # A slow quiz must not lose its answers: the CSRF token lives as long as the session.
    WTF_CSRF_TIME_LIMIT = None
    MAX_CONTENT_LENGTH = 2 * 1024 * 1024
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
    REMEMBER_COOKIE_DURATION = timedelta(days=14)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = False
    #: Failed sign-ins allowed per address in SIGN_IN_WINDOW before we stop hashing.
    SIGN_IN_MAX_FAILURES = 5
    SIGN_IN_WINDOW = timedelta(minutes=15)
    REPORT_PAGE_SIZE = 50
    #: IANA zone in which "today", due dates, overdue and expiry are decided.
    ORGANISATION_TIME_ZONE = "UTC"
    #: Shown on certificates, in mail and in page footers.
    ORGANISATION_NAME = "Social Rounds"
    #: Mail (services/mail.py). With no MAIL_SMTP_HOST, `send-mail` writes .eml files under
    #: instance/mail/ instead of sending.
    MAIL_SMTP_HOST = ""
    #: Default: 587 with STARTTLS, 465 with TLS, 25 with neither.
    MAIL_SMTP_PORT = None
    #: "starttls" (default), "tls" (implicit TLS from the first byte) or "none".
    MAIL_SMTP_SECURITY = "starttls"
    MAIL_SMTP_USER = ""
    MAIL_SMTP_PASSWORD = ""
    MAIL_SMTP_TIMEOUT = 30
    #: The From address, e.g. "Social Rounds <training@hospital.org>"; required with SMTP.
    MAIL_FROM = ""
    #: Where links in mail point (a command has no request to take it from), e.g.
    #: "https://training.hospital.org"; required with SMTP.
    MAIL_BASE_URL = ""
    #: Where .eml files go with no SMTP server; default instance/mail/.
    MAIL_FILE_DIRECTORY = None
    #: A failed delivery is tried again after 1, 2, 4, ... minutes, at most this many times.
    MAIL_MAX_ATTEMPTS = 8
    #: werkzeug's default (scrypt); tests use a cheap method to stay fast.
    PASSWORD_HASH_METHOD = "scrypt"  # noqa: S105 (a method name, not a password)


def engine_options(database_uri: str) -> dict:
    """A server's connections can drop between requests, so test each one before use; a
    SQLite file's cannot, and the test would cost a query on every request."""
    return {} if database_uri.startswith("sqlite") else {"pool_pre_ping": True}


#: Mail settings read from the environment (README, configuration table).
MAIL_SETTINGS = (
    "MAIL_SMTP_HOST",
    "MAIL_SMTP_PORT",
    "MAIL_SMTP_SECURITY",
    "MAIL_SMTP_USER",
    "MAIL_SMTP_PASSWORD",
    "MAIL_FROM",
    "MAIL_BASE_URL",
)


def from_environment() -> dict:
    """Settings taken from environment variables, where set."""
    settings: dict = {}
    if key := os.environ.get("SECRET_KEY"):
        settings["SECRET_KEY"] = key
    if url := os.environ.get("DATABASE_URL"):
        settings["SQLALCHEMY_DATABASE_URI"] = url
    for name in ("ORGANISATION_TIME_ZONE", "ORGANISATION_NAME", *MAIL_SETTINGS):
        if value := os.environ.get(name):
            settings[name] = value
    if os.environ.get("HTTPS", "").lower() in {"1", "true", "yes"}:
        settings.update(
            SESSION_COOKIE_SECURE=True, REMEMBER_COOKIE_SECURE=True, PREFERRED_URL_SCHEME="https"
        )
    return settings


def instance_secret_key(instance_path: str) -> str:
    """Read the generated secret key from instance/, creating it on first run."""
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def default_database_uri(instance_path: str) -> str:
    return f"sqlite:///{Path(instance_path) / 'social-rounds.sqlite3'}"


class SettingsError(RuntimeError):
    """A setting that cannot work; the message names it."""


def check(settings) -> None:
    """Refuse to start with a setting that would fail later, saying which one."""
    name = settings.get("ORGANISATION_TIME_ZONE")
    if name not in available_timezones():
        raise SettingsError(
            f"ORGANISATION_TIME_ZONE={name!r} is not an IANA time zone name "
            "(for example Europe/London or America/Los_Angeles)."
        )
