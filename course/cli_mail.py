"""`flask --app wsgi course send-mail` and `send-reminders`: the commands that own mail's
transactions (services/mail.py and services/notifications.py only flush)."""

from collections import Counter
from datetime import datetime

import click

from .database import refresh_statistics
from .extensions import db
from .models import MessageState
from .models.types import utcnow
from .services import mail, notifications


def deliver(
    now: datetime | None = None,
    batch: int = 100,
    limit: int | None = None,
    settings: mail.Settings | None = None,
) -> Counter:
    """Send what is due until the outbox has nothing more (or `limit` messages were tried);
    returns how many ended in each state. Each claim and each attempt is its own commit, so
    a sender stopped at any point loses nothing and repeats nothing it had recorded."""
    settings = settings or mail.settings()
    outcome: Counter = Counter()
    session = db.session()
    # What a message refers to (its person, module, assignment) stays loaded from one commit
    # to the next: reloading it after each message's commit tripled the statements.
    expire_on_commit, session.expire_on_commit = session.expire_on_commit, False
    try:
        with notifications.batch_cache():
            _deliver(settings, outcome, now, batch, limit)
    finally:
        session.expire_on_commit = expire_on_commit
    return outcome


def _deliver(settings, outcome: Counter, now, batch: int, limit: int | None) -> None:
    with mail.sender_lock(settings) as mine:
        if not mine:
            raise click.ClickException(
                "Another send-mail is running (SQLite: one sender at a time); this one stops."
            )
        with mail.connection(settings) as conn:
            while limit is None or outcome.total() < limit:
                size = batch if limit is None else min(batch, limit - outcome.total())
                claimed = mail.claim(size, now)
                db.session.commit()
                if not claimed:
                    break
                _held = mail.load(claimed)  # held: the session keeps rows only while used
                for position, message_id in enumerate(claimed):
                    message = mail.attempt(message_id, conn, notifications.compose, settings, now)
                    db.session.commit()
                    outcome[message.state] += 1
                    if message.state is MessageState.PENDING and conn.unreachable:
                        # The server cannot be reached: the rest wait for the next run.
                        mail.release(claimed[position + 1 :])
                        db.session.commit()
                        raise click.ClickException(message.last_error)


@click.command("send-mail")
@click.option("--batch", type=click.IntRange(1, 1000), default=100, show_default=True)
@click.option("--limit", type=click.IntRange(1), default=None, help="Stop after N messages.")
def send_mail(batch, limit):
    """Deliver pending mail over SMTP (or to instance/mail/ when no server is configured)."""
    try:
        settings = mail.settings()
    except mail.MailSettingsError as error:
        raise click.ClickException(f"Mail is not configured correctly: {error}") from None
    outcome = deliver(batch=batch, limit=limit, settings=settings)
    where = f"SMTP {settings.host}:{settings.port}" if settings.smtp else str(settings.directory)
    click.echo(
        f"Mail ({where}): {outcome[MessageState.SENT]} sent, "
        f"{outcome[MessageState.PENDING]} to retry, {outcome[MessageState.FAILED]} failed, "
        f"{outcome[MessageState.CANCELLED]} cancelled."
    )


@click.command("send-reminders")
def send_reminders():
    """Write today's reminders and digests to the outbox; running it again adds nothing."""
    now = utcnow()
    report = notifications.enqueue_reminders(now)
    policy_reminders = notifications.enqueue_policy_reminders(now)
    db.session.commit()
    # Cron runs this every few minutes: the planner's statistics follow the data's growth.
    refresh_statistics(routine=True)
    db.session.commit()
    click.echo(
        f"Reminders: {report.due_soon} due soon, {report.overdue} overdue, "
        f"{report.expiring} expiring, {report.digests} digests, "
        f"{policy_reminders} policy signature reminders."
    )
