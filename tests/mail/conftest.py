"""A real SMTP server on loopback (aiosmtpd), and the app's mail settings pointing at it."""

import asyncio
import socket
import threading
from datetime import date, timedelta

import pytest
from aiosmtpd.controller import Controller

from course.extensions import db
from course.models import Role
from course.services import accounts, assignments
from course.services.scope import scope_for

BASE_URL = "https://training.example.org/rounds"


class Recorder:
    """Keeps every message it accepts; refuses the next `refuse` DATA commands with `reply`."""

    def __init__(self):
        self.envelopes = []
        self.refuse = 0
        self.reply = "451 4.3.0 Try again later"
        self.lock = threading.Lock()
        #: Seconds each DATA takes: widens the window in which two senders overlap.
        self.delay = 0.0

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        if self.delay:
            await asyncio.sleep(self.delay)
        with self.lock:
            if self.refuse:
                self.refuse -= 1
                return self.reply
            self.envelopes.append(envelope)
        return "250 2.0.0 Accepted"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server():
    recorder = Recorder()
    controller = Controller(recorder, hostname="127.0.0.1", port=free_port())
    controller.start()
    recorder.port = controller.port
    yield recorder
    controller.stop()


@pytest.fixture
def smtp_app(app, smtp_server):
    """The app sending to the loopback server."""
    app.config.update(
        MAIL_SMTP_HOST="127.0.0.1",
        MAIL_SMTP_PORT=smtp_server.port,
        MAIL_SMTP_SECURITY="none",
        MAIL_FROM="Training <training@example.org>",
        MAIL_BASE_URL=BASE_URL,
        ORGANISATION_NAME="St Example Hospital",
    )
    return app


@pytest.fixture
def ward(curriculum, make_user):
    """A manager of Ward A and three learners in it."""
    manager = make_user(
        email="manager@example.org", name="Mona Manager", roles={Role.MANAGER}, department="Office"
    )
    accounts.set_manager(manager.email, ["Ward A"])
    learners = [
        make_user(email=f"l{n}@example.org", name=f"Learner {n}", department="Ward A")
        for n in range(1, 4)
    ]
    db.session.commit()
    return manager, learners


@pytest.fixture
def assign(ward):
    """assign(slug, due_on=..., **schedule) -> the department assignment of that module."""
    manager, learners = ward

    def make(slug="hands-on-training", due_on=None, **schedule):
        from course.models import Module

        module = db.session.scalar(db.select(Module).where(Module.slug == slug))
        created = assignments.assign(
            manager.id,
            scope_for(manager),
            [module.id],
            due_on or date.today() + timedelta(days=20),
            department_id=learners[0].department_id,
            **schedule,
        )
        return created[0]

    return make
