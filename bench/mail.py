"""Mail benchmark: send-reminders over a demo organisation, and send-mail to a local SMTP server.

For each size (default 1,000 and 10,000 learners x 10 modules, a fresh database each): build
the demo organisation with every assignment due in 7 days (the worst day: every learner who
has not completed a module gets a reminder for it), then run send-reminders in a process of
its own and print its time, statements and peak RSS; then run send-mail in a process of its
own against an aiosmtpd server on loopback and print messages per second.

    .venv/bin/python bench/mail.py [--learners 1000 10000] [--database-url URL] [--send 2000]

With --database-url (PostgreSQL) that database is emptied. Run by hand, not in the test suite.
"""

import argparse
import json
import resource
import socket
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from aiosmtpd.controller import Controller
from sqlalchemy import event, update

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from course import create_app  # noqa: E402
from course.extensions import db  # noqa: E402
from course.models import Assignment  # noqa: E402
from course.services import clock, curriculum, demo_org, due_dates  # noqa: E402


def make_app(url: str, **extra):
    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "bench",
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
            "MAIL_FILE_DIRECTORY": tempfile.mkdtemp(prefix="bench-mail-"),
            **extra,
        }
    )


def build(url: str, learners: int) -> None:
    app = make_app(url)
    with app.app_context():
        db.drop_all()
        db.create_all()
        curriculum.load_curriculum()
        db.session.commit()
        demo_org.generate(learners, departments=10, seed=learners)
        due = clock.today() + timedelta(days=7)
        db.session.execute(update(Assignment).values(due_on=due))
        due_dates.refresh_due()
        db.session.commit()
        if url.startswith("postgresql"):
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("VACUUM ANALYZE")
        else:
            db.session.execute(db.text("ANALYZE"))
            db.session.commit()
        db.engine.dispose()


def counted_statements() -> list[str]:
    """The statements the app's engine runs from now on (in the current app context)."""
    statements: list[str] = []
    event.listen(
        db.engine,
        "before_cursor_execute",
        lambda conn, cursor, statement, *args: statements.append(statement),
    )
    return statements


def child_reminders(url: str) -> dict:
    """In its own process: send-reminders once, with its statements counted."""
    from course.services import notifications

    app = make_app(url)
    with app.app_context():
        statements = counted_statements()
        start, cpu = time.perf_counter(), time.process_time()
        report = notifications.enqueue_reminders()
        db.session.commit()
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
        counted = [s for s in statements if not s.lstrip().upper().startswith(("PRAGMA",))]
    return {
        "seconds": seconds,
        "cpu": cpu,
        "statements": len(counted),
        "messages": report.total,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def child_send(url: str, port: int, limit: int) -> dict:
    """In its own process: send-mail for `limit` messages to the SMTP server on `port`."""
    from course.cli_mail import deliver

    app = make_app(
        url,
        MAIL_SMTP_HOST="127.0.0.1",
        MAIL_SMTP_PORT=port,
        MAIL_SMTP_SECURITY="none",
        MAIL_FROM="Bench <bench@example.org>",
        MAIL_BASE_URL="https://training.example.org",
    )
    with app.app_context():
        statements = counted_statements()
        start, cpu = time.perf_counter(), time.process_time()
        outcome = deliver(limit=limit)
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
        sent = sum(n for state, n in outcome.items() if state.value == "sent")
    return {
        "seconds": seconds,
        "sent": sent,
        "per_second": sent / seconds,
        "cpu_ms": 1000 * cpu / max(sent, 1),
        "statements": len(statements) / max(sent, 1),
    }


class Sink:
    def __init__(self):
        self.count = 0

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.count += 1
        return "250 2.0.0 Accepted"


def run_child(*args) -> dict:
    output = subprocess.run(
        [sys.executable, __file__, *args], check=True, capture_output=True, text=True
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--learners", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--send", type=int, default=2000, help="Messages send-mail sends.")
    parser.add_argument("--child", choices=["reminders", "send"])
    parser.add_argument("--port", type=int)
    args = parser.parse_args()
    if args.child == "reminders":
        print(json.dumps(child_reminders(args.database_url)))
        return
    if args.child == "send":
        print(json.dumps(child_send(args.database_url, args.port, args.send)))
        return
    for learners in args.learners:
        url = args.database_url or (f"sqlite:///{tempfile.mkdtemp(prefix='bench-')}/bench.sqlite3")
        start = time.perf_counter()
        build(url, learners)
        built = time.perf_counter() - start
        engine = url.split(":", 1)[0]
        reminders = run_child("--child", "reminders", "--database-url", url)
        print(
            f"{engine} {learners:>6} learners x 10 modules (built in {built:.0f} s): "
            f"send-reminders wrote {reminders['messages']:,} messages in "
            f"{reminders['seconds']:.2f} s ({reminders['cpu']:.2f} s of CPU) with "
            f"{reminders['statements']} statements, "
            f"peak RSS {reminders['peak_rss_mb']:.0f} MB",
            flush=True,
        )
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        sink = Sink()
        controller = Controller(sink, hostname="127.0.0.1", port=port)
        controller.start()
        try:
            sent = run_child(
                "--child", "send", "--database-url", url, "--port", str(port),
                "--send", str(args.send),
            )  # fmt: skip
        finally:
            controller.stop()
        print(
            f"{engine} {learners:>6} learners: send-mail sent {sent['sent']:,} messages to a "
            f"local aiosmtpd in {sent['seconds']:.1f} s: {sent['per_second']:.0f} messages/s "
            f"(the server received {sink.count:,}); {sent['cpu_ms']:.1f} ms of CPU and "
            f"{sent['statements']:.1f} statements per message in the sender",
            flush=True,
        )


if __name__ == "__main__":
    main()
