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
    #: Sessions (services/sessions.py): a browser without "Keep me signed in" is signed out
    #: after SESSION_IDLE_TIMEOUT without a request, and any session after
    #: SESSION_LIFETIME; "Keep me signed in" lasts REMEMBER_COOKIE_DURATION (no idle limit,
    #: never extended). The session cookie itself ends when the browser closes.
    SESSION_IDLE_TIMEOUT = timedelta(minutes=30)
    SESSION_LIFETIME = timedelta(hours=12)
    REMEMBER_COOKIE_DURATION = timedelta(days=14)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = False
    #: Sign-in throttling (services/throttle.py): failures counted over SIGN_IN_WINDOW.
    SIGN_IN_WINDOW = timedelta(hours=1)
    SIGN_IN_ADDRESS_FAILURES = 50
    SIGN_IN_FREE_FAILURES = 5
    SIGN_IN_BACKOFF = timedelta(seconds=15)
    SIGN_IN_BACKOFF_CAP = timedelta(minutes=15)
    #: Local passwords: on for everyone; off (single sign-on only) for all but the
    #: break-glass admin named by BREAK_GLASS_ADMIN (an email).
    LOCAL_PASSWORDS = True
    BREAK_GLASS_ADMIN = ""
    #: Single sign-on (services/sso.py, course/sso/). OpenID Connect: the provider's discovery
    #: URL (.../.well-known/openid-configuration), this app's client id and secret.
    OIDC_DISCOVERY_URL = ""
    OIDC_CLIENT_ID = ""
    OIDC_CLIENT_SECRET = ""
    OIDC_SCOPES = "openid email profile"
    #: SAML 2.0: the identity provider's metadata (a file path or an https:// URL); this
    #: app's entity id (default: its metadata URL, EXTERNAL_URL + /sso/saml/metadata).
    SAML_IDP_METADATA = ""
    SAML_SP_ENTITY_ID = ""
    #: Seconds of clock difference tolerated with the identity provider.
    SAML_CLOCK_SKEW = 60
    #: The sign-in button's words: "Sign in with {SSO_NAME}".
    SSO_NAME = "your organisation's account"
    #: Accounts are matched by "email" or "employee_id".
    SSO_MATCH_BY = "email"
    #: Which claim (OIDC) or attribute (SAML) holds what.
    SSO_CLAIM_EMAIL = "email"
    SSO_CLAIM_NAME = "name"
    SSO_CLAIM_DEPARTMENT = "department"
    SSO_CLAIM_EMPLOYEE_ID = "employee_id"
    SSO_CLAIM_GROUPS = "groups"
    #: "group=role[:Department]; ...": roles (and managed departments) from the group claim;
    #: empty: roles are managed in this app, not by the provider.
    SSO_GROUP_ROLES = ""
    #: Create an account at a person's first sign-in (else an admin creates it first).
    SSO_CREATE_ACCOUNTS = True
    #: Roles that must use two-step sign-in (services/mfa.py) while local passwords are on.
    MFA_REQUIRED_ROLES = ("admin",)
    #: "Forgot password" requests per client address, and links mailed per email, an hour.
    RESET_ADDRESS_REQUESTS = 20
    RESET_EMAIL_REQUESTS = 3
    #: Exercise submissions, and quiz attempts started, per learner per minute.
    SUBMISSIONS_PER_MINUTE = 10
    #: Host names this app answers to (Flask refuses others with 400); None: any.
    TRUSTED_HOSTS = None
    #: The address people reach the app at, e.g. https://training.example.org: links that
    #: leave the page (the API's paging, certificates' verification URL) are built on it,
    #: never on the request's Host header.
    EXTERNAL_URL = None
    #: Proxies in front of the app that set X-Forwarded-For/-Proto/-Host (werkzeug ProxyFix).
    FORWARDED_PROXIES = 0
    #: Strict-Transport-Security, sent when HTTPS is on.
    HSTS = None
    REPORT_PAGE_SIZE = 50
    #: IANA zone in which "today", due dates, overdue and expiry are decided.
    ORGANISATION_TIME_ZONE = "UTC"
    #: Shown on certificates, in mail and in page footers.
    ORGANISATION_NAME = "Social Rounds"
    #: Largest organisation logo an admin may upload (bytes; PNG or JPEG).
    LOGO_MAX_BYTES = 512 * 1024
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
    #: Staff import (services/staff_import.py): the largest file the admin page takes, and
    #: the share (percent) of active people with an employee id that "deactivate people
    #: missing from the file" may deactivate before its safety stop holds.
    IMPORT_MAX_BYTES = 16 * 1024 * 1024
    #: The largest module (.md) or GIFT file the studio imports (bytes).
    CONTENT_IMPORT_MAX_BYTES = 2 * 1024 * 1024
    #: The largest request body a page that takes a file accepts (course/uploads.py): a file
    #: over its field's own limit but under this is refused next to the field, with the rest
    #: of the form kept as typed; past this the form comes back empty, with the message.
    UPLOAD_REQUEST_MAX_BYTES = 32 * 1024 * 1024
    IMPORT_DEACTIVATE_LIMIT_PERCENT = 10
    #: "argon2id" (services/passwords.py) or a werkzeug method; tests use a cheap one.
    PASSWORD_HASH_METHOD = "argon2id"  # noqa: S105 (a method name, not a password)


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
    for name in ("ORGANISATION_TIME_ZONE", "ORGANISATION_NAME", "EXTERNAL_URL", *MAIL_SETTINGS):
        if value := os.environ.get(name):
            settings[name] = value
    if (roles := os.environ.get("MFA_REQUIRED_ROLES")) is not None:
        settings["MFA_REQUIRED_ROLES"] = _roles("MFA_REQUIRED_ROLES", roles)
    if (value := os.environ.get("LOCAL_PASSWORDS")) is not None:
        settings["LOCAL_PASSWORDS"] = _flag("LOCAL_PASSWORDS", value)
    for name in SSO_SETTINGS:
        if value := os.environ.get(name):
            settings[name] = value
    if (value := os.environ.get("SSO_CREATE_ACCOUNTS")) is not None:
        settings["SSO_CREATE_ACCOUNTS"] = _flag("SSO_CREATE_ACCOUNTS", value)
    if glass := os.environ.get("BREAK_GLASS_ADMIN"):
        settings["BREAK_GLASS_ADMIN"] = glass.strip().lower()
    if value := os.environ.get("LOGO_MAX_KB"):
        settings["LOGO_MAX_BYTES"] = _number("LOGO_MAX_KB", value) * 1024
    if hosts := os.environ.get("TRUSTED_HOSTS"):
        settings["TRUSTED_HOSTS"] = [h.strip() for h in hosts.split(",") if h.strip()]
    for name, unit in (
        ("SESSION_IDLE_MINUTES", "SESSION_IDLE_TIMEOUT"),
        ("SESSION_HOURS", "SESSION_LIFETIME"),
        ("REMEMBER_DAYS", "REMEMBER_COOKIE_DURATION"),
    ):
        if value := os.environ.get(name):
            key = name.split("_")[-1].lower()
            settings[unit] = timedelta(**{key: _number(name, value)})
    for name in (
        "FORWARDED_PROXIES",
        "SUBMISSIONS_PER_MINUTE",
        "IMPORT_MAX_BYTES",
        "CONTENT_IMPORT_MAX_BYTES",
        "UPLOAD_REQUEST_MAX_BYTES",
        "IMPORT_DEACTIVATE_LIMIT_PERCENT",
        "RESET_ADDRESS_REQUESTS",
        "RESET_EMAIL_REQUESTS",
    ):
        if value := os.environ.get(name):
            settings[name] = _number(name, value)
    if os.environ.get("HTTPS", "").lower() in {"1", "true", "yes"}:
        settings.update(
            SESSION_COOKIE_SECURE=True,
            REMEMBER_COOKIE_SECURE=True,
            PREFERRED_URL_SCHEME="https",
            HSTS="max-age=31536000",
        )
    return settings


#: Single sign-on settings read from the environment as they are (README).
SSO_SETTINGS = (
    "SAML_IDP_METADATA",
    "SAML_SP_ENTITY_ID",
    "OIDC_DISCOVERY_URL",
    "OIDC_CLIENT_ID",
    "OIDC_CLIENT_SECRET",
    "OIDC_SCOPES",
    "SSO_NAME",
    "SSO_MATCH_BY",
    "SSO_CLAIM_EMAIL",
    "SSO_CLAIM_NAME",
    "SSO_CLAIM_DEPARTMENT",
    "SSO_CLAIM_EMPLOYEE_ID",
    "SSO_CLAIM_GROUPS",
    "SSO_GROUP_ROLES",
)

ROLE_NAMES = ("learner", "trainer", "manager", "admin")


def _roles(name: str, value: str) -> tuple[str, ...]:
    """A comma-separated list of roles; "none" (or empty) for none."""
    roles = tuple(r.strip().lower() for r in value.split(",") if r.strip())
    if roles in {(), ("none",)}:
        return ()
    if unknown := [r for r in roles if r not in ROLE_NAMES]:
        raise SettingsError(f"{name}: {', '.join(unknown)} is no role ({', '.join(ROLE_NAMES)}).")
    return roles


def _flag(name: str, value: str) -> bool:
    value = value.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise SettingsError(f"{name}={value!r}: use on or off.")


def _number(name: str, value: str) -> int:
    if not value.strip().isdigit():
        raise SettingsError(f"{name}={value!r} must be a whole number.")
    return int(value)


def is_production(settings) -> bool:
    """Whether the settings look like a real deployment: served over HTTPS (which needs
    EXTERNAL_URL or TRUSTED_HOSTS), or at a configured address."""
    return bool(
        settings.get("SESSION_COOKIE_SECURE")
        or settings.get("EXTERNAL_URL")
        or settings.get("TRUSTED_HOSTS")
    )


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
    url = (settings.get("EXTERNAL_URL") or "").rstrip("/")
    if url and not (url.startswith(("https://", "http://")) and "/" not in url.split("://")[1]):
        raise SettingsError(
            f"EXTERNAL_URL={url!r} must be a scheme and host, e.g. https://training.example.org"
        )
    if settings.get("HSTS") and not (url or settings.get("TRUSTED_HOSTS")):
        raise SettingsError(
            "HTTPS is on but neither EXTERNAL_URL nor TRUSTED_HOSTS is set: links in API "
            "answers and on certificates would follow whatever Host a request names."
        )
    if settings.get("SSO_MATCH_BY", "email") not in ("email", "employee_id"):
        raise SettingsError("SSO_MATCH_BY must be email or employee_id.")
    oidc = [settings.get(n) for n in ("OIDC_DISCOVERY_URL", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET")]
    if any(oidc) and not all(oidc):
        raise SettingsError(
            "OpenID Connect needs OIDC_DISCOVERY_URL, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET."
        )
    name = settings.get("ORGANISATION_TIME_ZONE")
    if name not in available_timezones():
        raise SettingsError(
            f"ORGANISATION_TIME_ZONE={name!r} is not an IANA time zone name "
            "(for example Europe/London or America/Los_Angeles)."
        )
