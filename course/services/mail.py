"""Mail: an outbox written in the event's transaction, delivered later by `send-mail`.

A message is a row of `outbox_message`, added by the service that makes the change, in the
same transaction: a rolled-back change sends nothing, a committed one is never lost. What the
message says is composed when it is first sent (services/notifications.py), kept as the exact
bytes sent, and every attempt's outcome is recorded (`mail_attempt`).

To send a new kind of message from another feature (a password reset, a policy signature
request):

1. add it to `notifications.KINDS` (subject, whether people may turn it off, why it is sent)
   with its templates `templates/mail/<kind>.txt` and `templates/mail/<kind>.html`;
2. call `enqueue(kind, to_address, user_id=..., params={...})` from the service, before the
   view or command commits; give a `key` when the same cause must never send twice;
3. `flask --app wsgi course send-mail` (cron or a systemd timer) delivers it over SMTP, or
   writes it to instance/mail/ when no SMTP server is configured.

Delivery: a sender claims a batch (state "sending" with a lease) in one short transaction,
with FOR UPDATE SKIP LOCKED on PostgreSQL, so senders on several hosts never take the same
message; on SQLite the claim runs under the database's write lock and one sender runs at a
time. A failure is retried after 1, 2, 4, ... minutes; a permanent refusal (5xx) is not.
"""

import fcntl
import os
import smtplib
import ssl
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from email import message_from_bytes, policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from pathlib import Path
from urllib.parse import urlsplit

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import DateTime, and_, delete, func, literal, or_, select, true, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ..extensions import db
from ..models import MailAttempt, MailOptOut, MessageState, OutboxMessage, User
from ..models.types import utcnow
from . import clock, paging
from .paging import Page

#: How long a claimed message is reserved for the sender that claimed it. A sender that dies
#: mid-batch leaves its messages to the next one after this.
LEASE = timedelta(minutes=10)
FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(hours=6)
SECURITY = ("starttls", "tls", "none")
DEFAULT_PORTS = {"starttls": 587, "tls": 465, "none": 25}
#: Where links point when no SMTP server is configured (the `make run` default).
LOCAL_BASE_URL = "http://127.0.0.1:5000"


class MailSettingsError(RuntimeError):
    """A mail setting that cannot work; the message names it."""


class DeliveryError(Exception):
    """A delivery that failed; `permanent` when trying again cannot help (a 5xx refusal)."""

    def __init__(self, message: str, permanent: bool = False):
        super().__init__(message)
        self.permanent = permanent


class Skip(Exception):  # noqa: N818 (an outcome, not an error)
    """Raised by a composer: this message is not to be sent (the reason says why)."""


# -- settings ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Settings:
    """Where and how mail goes. `host` empty: to .eml files in `directory`."""

    host: str
    port: int
    security: str
    user: str
    password: str
    sender: str
    base_url: str
    timeout: float
    max_attempts: int
    directory: Path

    @property
    def smtp(self) -> bool:
        """True when mail goes to an SMTP server, False when it is written to files."""
        return bool(self.host)

    @property
    def sender_address(self) -> str:
        """The bare address of SENDER, without its display name."""
        return parseaddr(self.sender)[1]


def settings(config=None) -> Settings:
    """The mail settings, checked; raises MailSettingsError naming the first that cannot work.

    With SMTP (MAIL_SMTP_HOST set) the From address and the base URL are required, and a user
    needs a password; without it, messages go to instance/mail/ and links to this machine.
    """
    config = config if config is not None else current_app.config
    host = (config.get("MAIL_SMTP_HOST") or "").strip()
    security = (config.get("MAIL_SMTP_SECURITY") or "starttls").strip().lower()
    user = config.get("MAIL_SMTP_USER") or ""
    password = config.get("MAIL_SMTP_PASSWORD") or ""
    sender = (config.get("MAIL_FROM") or "").strip()
    base_url = (config.get("MAIL_BASE_URL") or "").strip().rstrip("/")
    if not host:
        for name in ("MAIL_SMTP_USER", "MAIL_SMTP_PASSWORD", "MAIL_SMTP_PORT"):
            if config.get(name):
                raise MailSettingsError(f"{name} is set but MAIL_SMTP_HOST is not: set both.")
    if security not in SECURITY:
        raise MailSettingsError(f"MAIL_SMTP_SECURITY={security!r}: use starttls, tls or none.")
    port = config.get("MAIL_SMTP_PORT") or DEFAULT_PORTS[security]
    try:
        port = int(port)
    except (TypeError, ValueError):
        port = 0
    if not 0 < port < 65536:
        raise MailSettingsError(f"MAIL_SMTP_PORT={config.get('MAIL_SMTP_PORT')!r} is no port.")
    if host:
        if not sender:
            raise MailSettingsError("MAIL_SMTP_HOST is set but MAIL_FROM is not.")
        if not base_url:
            raise MailSettingsError(
                "MAIL_SMTP_HOST is set but MAIL_BASE_URL is not: links in mail need the "
                "address people reach the site at, e.g. https://training.hospital.org."
            )
        if bool(user) != bool(password):
            missing = "MAIL_SMTP_PASSWORD" if user else "MAIL_SMTP_USER"
            raise MailSettingsError(f"{missing} is not set: a user needs a password.")
    sender = sender or f"{config.get('ORGANISATION_NAME') or 'Social Rounds'} <no-reply@localhost>"
    if "@" not in parseaddr(sender)[1]:
        raise MailSettingsError(f"MAIL_FROM={sender!r} is no email address.")
    base_url = base_url or LOCAL_BASE_URL
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise MailSettingsError(f"MAIL_BASE_URL={base_url!r} is not an absolute http(s) address.")
    return Settings(
        host=host,
        port=port,
        security=security,
        user=user,
        password=password,
        sender=sender,
        base_url=base_url,
        timeout=float(config.get("MAIL_SMTP_TIMEOUT") or 30),
        max_attempts=int(config.get("MAIL_MAX_ATTEMPTS") or 8),
        directory=Path(
            config.get("MAIL_FILE_DIRECTORY") or Path(current_app.instance_path) / "mail"
        ),
    )


def external_url(endpoint: str, **values) -> str:
    """An absolute link to a page, under MAIL_BASE_URL (a command has no request to go by)."""
    base = urlsplit(settings().base_url)
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme
    )
    return adapter.build(endpoint, values, force_external=True)


# -- writing to the outbox ---------------------------------------------------------------------


def _insert():
    return pg_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert


def enqueue(
    kind: str,
    to_address: str,
    *,
    user_id: int | None = None,
    key: str | None = None,
    module_id: int | None = None,
    assignment_id: int | None = None,
    department_id: int | None = None,
    about_on: date | None = None,
    params: dict | None = None,
) -> int | None:
    """Add a message to the outbox in the current transaction (the caller commits).

    `kind` names an entry of notifications.KINDS; `params` holds what must read as it was at
    the event (a reason, a link's token). A `key` already in the outbox adds nothing and
    returns None, even when two transactions race; otherwise the new message's id.
    """
    row = {
        "kind": kind,
        "key": key,
        "to_address": to_address,
        "user_id": user_id,
        "module_id": module_id,
        "assignment_id": assignment_id,
        "department_id": department_id,
        "about_on": about_on,
        "params": params,
        "state": MessageState.PENDING,
        "attempts": 0,
        "next_attempt_at": utcnow(),
        "created_at": utcnow(),
    }
    stmt = _insert()(OutboxMessage).values(**row).on_conflict_do_nothing(index_elements=["key"])
    return db.session.scalar(stmt.returning(OutboxMessage.id))


#: The columns `enqueue_from` fills from a SELECT, in order.
SELECT_COLUMNS = (
    "kind",
    "key",
    "to_address",
    "user_id",
    "module_id",
    "assignment_id",
    "department_id",
    "about_on",
    "params",
)


def enqueue_from(select_stmt) -> int:
    """Add one message per row of `select_stmt` in one statement, however many rows.

    The statement's columns are SELECT_COLUMNS, in that order; rows whose key is already in the
    outbox add nothing. Returns how many were added.
    """
    now = utcnow()
    source = select_stmt.subquery("source")
    rows = select(
        *source.c,
        literal(MessageState.PENDING.value).label("state"),
        literal(0).label("attempts"),
        literal(now, DateTime).label("next_attempt_at"),
        literal(now, DateTime).label("created_at"),
    ).where(true())  # WHERE: SQLite needs one to parse INSERT ... SELECT ... ON CONFLICT
    stmt = (
        _insert()(OutboxMessage)
        .from_select([*SELECT_COLUMNS, "state", "attempts", "next_attempt_at", "created_at"], rows)
        .on_conflict_do_nothing(index_elements=["key"])
    )
    # rowcount is not reliable for INSERT ... SELECT on every driver; the ids are.
    return len(db.session.scalars(stmt.returning(OutboxMessage.id)).all())


# -- opting out of optional messages -----------------------------------------------------------


def opted_out(user_id: int, kind: str) -> bool:
    """Whether the person turned this kind of message off."""
    return db.session.get(MailOptOut, (user_id, kind)) is not None


def set_opted_out(user_id: int, kind: str, off: bool) -> None:
    """Turn an optional kind of message off (or on again) for a person; the caller commits."""
    if off and not opted_out(user_id, kind):
        db.session.add(MailOptOut(user_id=user_id, kind=kind))
    elif not off:
        db.session.execute(
            delete(MailOptOut).where(MailOptOut.user_id == user_id, MailOptOut.kind == kind)
        )
    db.session.flush()


def _unsubscribe_signer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="mail-unsubscribe")


def unsubscribe_token(user_id: int, kind: str) -> str:
    """A token naming one person and one kind; it does not expire (old mail keeps working)."""
    return _unsubscribe_signer().dumps([user_id, kind])


def read_unsubscribe_token(token: str) -> tuple[int, str] | None:
    """(user id, kind) from a token this app signed; None for anything else."""
    try:
        user_id, kind = _unsubscribe_signer().loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    if not isinstance(user_id, int) or not isinstance(kind, str):
        return None
    return user_id, kind


# -- what a message looks like -----------------------------------------------------------------


@dataclass
class Composed:
    """A message's words, as notifications.compose writes them."""

    subject: str
    text: str
    html: str
    #: Set for messages a person may turn off: the page that does it (List-Unsubscribe).
    unsubscribe_url: str | None = None
    #: (file name, MIME type, content).
    attachments: list[tuple[str, str, bytes]] = field(default_factory=list)


def build_mime(message: OutboxMessage, composed: Composed, mail: Settings) -> bytes:
    """The RFC 5322 message.

    Plain text and HTML alternatives, attachments, and headers that say it is automatic and, for
    optional kinds, how to unsubscribe (RFC 2369 and 8058).
    """
    email = EmailMessage()
    email["Subject"] = composed.subject
    email["From"] = mail.sender
    email["To"] = Address(addr_spec=message.to_address)
    email["Date"] = format_datetime(clock.aware(utcnow()))
    domain = mail.sender_address.rpartition("@")[2] or "localhost"
    email["Message-ID"] = make_msgid(idstring=f"outbox{message.id}", domain=domain)
    email["Auto-Submitted"] = "auto-generated"
    email["X-Social-Rounds-Kind"] = message.kind
    if composed.unsubscribe_url:
        email["List-Unsubscribe"] = f"<{composed.unsubscribe_url}>"
        email["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    email.set_content(composed.text)
    email.add_alternative(composed.html, subtype="html")
    for filename, mimetype, content in composed.attachments:
        maintype, _, subtype = mimetype.partition("/")
        email.add_attachment(content, maintype=maintype, subtype=subtype, filename=filename)
    return email.as_bytes(policy=policy.SMTP)  # CRLF line ends, as SMTP and RFC 5322 want


# -- delivering ---------------------------------------------------------------------------------


class SmtpConnection:
    """One SMTP session; `send` raises DeliveryError."""

    def __init__(self, mail: Settings):
        self.mail = mail
        self.smtp: smtplib.SMTP | None = None
        #: Set when the server could not be reached at all: the sender stops trying.
        self.unreachable = False

    def _open(self) -> smtplib.SMTP:
        mail = self.mail
        context = ssl.create_default_context()
        try:
            if mail.security == "tls":
                smtp = smtplib.SMTP_SSL(mail.host, mail.port, timeout=mail.timeout, context=context)
            else:
                smtp = smtplib.SMTP(mail.host, mail.port, timeout=mail.timeout)
                if mail.security == "starttls":
                    smtp.starttls(context=context)
            if mail.user:
                smtp.login(mail.user, mail.password)
        except (OSError, smtplib.SMTPException) as error:
            self.unreachable = True
            raise DeliveryError(
                f"cannot reach the SMTP server {mail.host}:{mail.port}: {_describe(error)}"
            ) from error
        self.unreachable = False
        return smtp

    def send(self, to_address: str, data: bytes) -> None:
        """Deliver one message; raises DeliveryError (permanent when refused for good)."""
        if self.smtp is None:
            self.smtp = self._open()
        try:
            refused = self.smtp.sendmail(self.mail.sender_address, [to_address], data)
        except smtplib.SMTPRecipientsRefused as error:
            codes = [code for code, _ in error.recipients.values()]
            raise DeliveryError(_describe(error), permanent=all(c >= 500 for c in codes)) from None
        except smtplib.SMTPResponseException as error:
            self.reset()
            raise DeliveryError(_describe(error), permanent=error.smtp_code >= 500) from None
        except (OSError, smtplib.SMTPException) as error:
            self.close()
            raise DeliveryError(_describe(error)) from None
        if refused:
            raise DeliveryError(str(refused), permanent=True)

    def reset(self) -> None:
        """Forget the refused message's transaction (RSET), or close a session that cannot."""
        try:
            if self.smtp is not None:
                self.smtp.rset()
        except (OSError, smtplib.SMTPException):
            self.close()

    def close(self) -> None:
        """End the SMTP session (QUIT), if one is open."""
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (OSError, smtplib.SMTPException):
                self.smtp.close()
            self.smtp = None


class FileConnection:
    """Writes each message to DIRECTORY/<id>-<kind>.eml: the default with no SMTP server."""

    unreachable = False

    def __init__(self, directory: Path):
        self.directory = directory
        self.current: OutboxMessage | None = None

    def send(self, to_address: str, data: bytes) -> None:
        """Write one message to its file; raises DeliveryError when it cannot be written."""
        message = self.current
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            target = self.directory / f"{message.id:08d}-{message.kind}.eml"
            with tempfile.NamedTemporaryFile(dir=self.directory, delete=False) as handle:
                handle.write(data)
            os.replace(handle.name, target)
        except OSError as error:
            raise DeliveryError(f"cannot write {self.directory}: {error}") from None

    def close(self) -> None:
        """Nothing to close."""
        pass


def _describe(error: Exception) -> str:
    if isinstance(error, smtplib.SMTPResponseException):
        text = error.smtp_error
        text = text.decode(errors="replace") if isinstance(text, bytes) else str(text)
        return f"{error.smtp_code} {text}"
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return "; ".join(
            f"{to}: {code} {text.decode(errors='replace') if isinstance(text, bytes) else text}"
            for to, (code, text) in error.recipients.items()
        )
    return f"{type(error).__name__}: {error}" if str(error) else type(error).__name__


@contextmanager
def connection(mail: Settings) -> Iterator[SmtpConnection | FileConnection]:
    """An SMTP session (opened at the first message) or the .eml folder."""
    conn = SmtpConnection(mail) if mail.smtp else FileConnection(mail.directory)
    try:
        yield conn
    finally:
        conn.close()


@contextmanager
def sender_lock(mail: Settings) -> Iterator[bool]:
    """On SQLite, one sender at a time: yields False when another holds the lock."""
    if db.session.get_bind().dialect.name != "sqlite":
        yield True
        return
    mail.directory.mkdir(parents=True, exist_ok=True)
    with open(mail.directory / ".sender.lock", "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def claim(limit: int, now: datetime | None = None) -> list[int]:
    """Reserve up to `limit` messages that are due, for this sender, until now + LEASE.

    Pending messages whose time has come, and messages whose previous sender's lease ran out.
    Rows another sender is claiming at this moment are skipped (SKIP LOCKED on PostgreSQL;
    on SQLite the write lock makes claims one at a time). The caller commits at once.
    """
    now = now or utcnow()
    due = (
        select(OutboxMessage.id)
        .where(
            or_(
                and_(
                    OutboxMessage.state == MessageState.PENDING,
                    OutboxMessage.next_attempt_at <= now,
                ),
                and_(
                    OutboxMessage.state == MessageState.SENDING,
                    OutboxMessage.lease_until < now,
                ),
            )
        )
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    claimed = db.session.scalars(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(due.scalar_subquery()))
        .values(state=MessageState.SENDING, lease_until=now + LEASE)
        .returning(OutboxMessage.id)
        .execution_options(synchronize_session=False)
    ).all()
    return sorted(claimed)


def load(message_ids: list[int]) -> list[OutboxMessage]:
    """The claimed messages and their recipients' accounts, in two statements.

    Then `attempt` and the composer find each in the session.
    """
    messages = list(
        db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.id.in_(message_ids))
            .execution_options(populate_existing=True)
        )
    )
    people = {m.user_id for m in messages if m.user_id is not None}
    if people:
        db.session.scalars(select(User).where(User.id.in_(people))).all()
    return messages


def release(message_ids: list[int]) -> None:
    """Give claimed messages back untried (the server could not be reached)."""
    if message_ids:
        db.session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.id.in_(message_ids),
                OutboxMessage.state == MessageState.SENDING,
            )
            .values(state=MessageState.PENDING, lease_until=None)
            .execution_options(synchronize_session=False)
        )


def retry_delay(attempts: int) -> timedelta:
    """The wait before the next try after `attempts` failed ones: 1, 2, 4, ... minutes."""
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LONGEST_RETRY)


Compose = Callable[[OutboxMessage], Composed]


def attempt(
    message_id: int,
    conn: SmtpConnection | FileConnection,
    compose: Compose,
    mail: Settings,
    now: datetime | None = None,
) -> OutboxMessage:
    """Try to deliver one claimed message and record the outcome (the caller commits).

    The message is composed and built at its first attempt and kept, so a retry sends the
    same bytes. DeliveryError from the transport is recorded; a permanent one, or the last
    allowed try, ends in "failed", any other in a retry after `retry_delay`.
    """
    now = now or utcnow()
    message = db.session.get(OutboxMessage, message_id)
    if message is None or message.state is not MessageState.SENDING:
        return message
    transport = "smtp" if mail.smtp else "file"
    if message.mime is None:
        try:
            composed = compose(message)
        except Skip as reason:
            message.state, message.last_error, message.lease_until = (
                MessageState.CANCELLED,
                str(reason),
                None,
            )
            db.session.flush()
            return message
        message.subject = composed.subject[:300]
        message.mime = build_mime(message, composed, mail)
    if isinstance(conn, FileConnection):
        conn.current = message
    message.attempts += 1
    try:
        conn.send(message.to_address, message.mime)
    except DeliveryError as error:
        db.session.add(
            MailAttempt(message_id=message.id, at=now, ok=False, transport=transport,
                        error=str(error))
        )  # fmt: skip
        message.last_error = str(error)
        message.lease_until = None
        if error.permanent or message.attempts >= mail.max_attempts:
            message.state = MessageState.FAILED
        else:
            message.state = MessageState.PENDING
            message.next_attempt_at = now + retry_delay(message.attempts)
        db.session.flush()
        return message
    db.session.add(MailAttempt(message_id=message.id, at=now, ok=True, transport=transport))
    message.state, message.sent_at, message.lease_until = MessageState.SENT, now, None
    message.last_error = None
    db.session.flush()
    return message


def send_again(message_id: int) -> bool:
    """Put a failed or cancelled message back in the queue, to go at the next run."""
    message = db.session.get(OutboxMessage, message_id)
    if message is None or message.state not in (MessageState.FAILED, MessageState.CANCELLED):
        return False
    if message.state is MessageState.CANCELLED:
        message.mime = None  # composed again: the reason it was cancelled may be gone
    message.state, message.next_attempt_at, message.attempts = MessageState.PENDING, utcnow(), 0
    db.session.flush()
    return True


# -- reading the outbox (the admin page) -------------------------------------------------------


def state_counts() -> dict[MessageState, int]:
    """How many messages the outbox holds in each state (a state with none is left out)."""
    return {
        MessageState(s): n
        for s, n in db.session.execute(
            select(OutboxMessage.state, func.count()).group_by(OutboxMessage.state)
        )
    }


def outbox_page(
    state: MessageState | None,
    number: int = 1,
    per_page: int = 50,
    counts: dict[MessageState, int] | None = None,
) -> Page[OutboxMessage]:
    """The newest messages first, optionally in one state; raises PageOutOfRangeError past the end.

    `counts` (`state_counts()`, which the page shows too) saves counting the messages again.
    """
    counts = state_counts() if counts is None else counts
    stmt = select(OutboxMessage).order_by(OutboxMessage.id.desc())
    if state is not None:
        stmt = stmt.where(OutboxMessage.state == state)
    total = counts.get(state, 0) if state else sum(counts.values())
    first = paging.offset(number, total, per_page, "the outbox has")
    rows = db.session.scalars(stmt.limit(per_page).offset(first)).all()
    return Page(list(rows), total, number, per_page)


@dataclass(frozen=True)
class Readable:
    """A message as its recipient reads it: headers, both parts, attachments."""

    headers: list[tuple[str, str]]
    text: str
    html: str
    #: (file name, MIME type, size in bytes).
    attachments: list[tuple[str, str, int]]
    #: True when composed for this view (the message has not been attempted yet).
    preview: bool


SHOWN_HEADERS = ("From", "To", "Subject", "Date", "List-Unsubscribe", "Auto-Submitted")


def readable(message: OutboxMessage, compose: Compose) -> Readable:
    """The stored message, or for one not attempted yet, what it would be if sent now.

    Raises Skip (it would not be sent) or MailSettingsError.
    """
    preview = message.mime is None
    data = build_mime(message, compose(message), settings()) if preview else message.mime
    parsed = message_from_bytes(data, policy=policy.default)
    text, html = (parsed.get_body(preferencelist=(kind,)) for kind in ("plain", "html"))
    return Readable(
        headers=[(name, str(parsed[name])) for name in SHOWN_HEADERS if parsed[name]],
        text=text.get_content() if text else "",
        html=html.get_content() if html else "",
        attachments=[
            (part.get_filename() or "", part.get_content_type(), len(part.get_content()))
            for part in parsed.iter_attachments()
        ],
        preview=preview,
    )


def attempts_of(message_id: int) -> list[MailAttempt]:
    """Every delivery attempt of a message, oldest first."""
    return list(
        db.session.scalars(
            select(MailAttempt).where(MailAttempt.message_id == message_id).order_by(MailAttempt.id)
        )
    )
