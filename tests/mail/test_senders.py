"""Two senders at once never send a message twice (PostgreSQL: SKIP LOCKED; SQLite: one
sender at a time, the other stops)."""

import threading
from collections import Counter

import click
from sqlalchemy import select

from course.cli_mail import deliver
from course.extensions import db
from course.models import MailAttempt, MessageState, OutboxMessage


def test_two_senders_at_once_send_each_message_once(smtp_app, smtp_server, make_user, assign):
    for number in range(40):
        make_user(email=f"extra{number}@example.org", department="Ward A")
    assign()
    total = db.session.scalar(select(db.func.count()).select_from(OutboxMessage))
    assert total == 43
    db.session.commit()  # release the test's own transaction (and SQLite's lock)
    smtp_server.delay = 0.005
    outcomes, refusals = [], []
    start = threading.Barrier(2)

    def sender():
        with smtp_app.app_context():
            start.wait()
            try:
                outcomes.append(deliver(batch=5))
            except click.ClickException as error:
                refusals.append(str(error))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=sender) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    received = Counter(rcpt for e in smtp_server.envelopes for rcpt in e.rcpt_tos)
    assert len(received) == total
    assert set(received.values()) == {1}
    db.session.expire_all()
    assert set(db.session.scalars(select(OutboxMessage.state))) == {MessageState.SENT}
    assert db.session.scalar(select(db.func.count()).select_from(MailAttempt)) == total
    if db.engine.dialect.name == "postgresql":
        assert not refusals
        assert all(o[MessageState.SENT] for o in outcomes)  # both took a share
    else:
        assert refusals == [] or "one sender at a time" in refusals[0]
