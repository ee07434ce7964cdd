"""Sign-in throttling per client address and per account: a wait (429 with Retry-After),
never a lock an attacker controls; checked before any hashing; old rows expire."""

from datetime import timedelta

import pytest
from sqlalchemy import event, func, select, text

from course import create_app
from course.extensions import db
from course.models import SignInAttempt
from course.models.types import utcnow
from course.services import accounts, passwords, throttle

RIGHT = "correct-horse-battery"


def attempt(client, email, password, address="10.0.0.1"):
    return client.post(
        "/sign-in",
        data={"email": email, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )


def failures() -> int:
    return db.session.scalar(select(func.count(SignInAttempt.id)))


def test_failures_past_the_free_ones_get_429_with_retry_after_and_no_hash(app, client, learner):
    for _ in range(app.config["SIGN_IN_FREE_FAILURES"]):
        assert attempt(client, learner.email, "wrong-password").status_code == 200
    response = attempt(client, learner.email, RIGHT)  # even the right password waits
    assert response.status_code == 429
    # 15 s from the last failure: what is left of it depends on how fast this machine ran.
    retry = int(response.headers["Retry-After"])
    assert 0 < retry <= 15
    assert f"Please wait {retry} second" in response.get_data(as_text=True)
    assert failures() == 5  # refused before hashing: not counted again


@pytest.mark.parametrize(
    ("earlier", "wait"),
    [(4, None), (5, 15), (6, 30), (7, 60), (9, 240), (11, 900), (14, 900)],
)
def test_the_wait_doubles_with_each_failure_up_to_a_cap(client, learner, earlier, wait):
    then = utcnow() - timedelta(seconds=1)
    db.session.add_all(
        SignInAttempt(email=learner.email, remote_addr=f"10.9.9.{n}", attempted_at=then)
        for n in range(earlier)
    )
    db.session.commit()
    # The rule at a fixed moment, one second after the last failure: exact.
    moment = then + timedelta(seconds=1)
    assert throttle.sign_in_wait(learner.email, "10.1.1.1", None, now=moment) == max(
        0, (wait or 0) - 1
    )
    response = attempt(client, learner.email, RIGHT)
    if wait is None:
        assert response.status_code == 302
    else:
        # Through the app, what is left of the wait depends on how fast this machine ran.
        assert response.status_code == 429
        assert 0 < int(response.headers["Retry-After"]) <= wait


def test_the_wait_is_not_a_lock_once_it_has_passed_the_right_password_works(app, client, learner):
    for _ in range(8):
        attempt(client, learner.email, "wrong-password")
    assert attempt(client, learner.email, RIGHT).status_code == 429
    db.session.execute(
        text("UPDATE sign_in_attempt SET attempted_at = :then"),
        {"then": utcnow() - timedelta(minutes=16)},
    )
    db.session.commit()
    assert attempt(client, learner.email, RIGHT).status_code == 302


def test_guessing_elsewhere_never_slows_the_person_on_their_own_browser(app, learner):
    own = app.test_client()
    assert attempt(own, learner.email, RIGHT, "192.0.2.10").status_code == 302
    own.post("/sign-out")
    attacker = app.test_client()
    for _ in range(10):
        attempt(attacker, learner.email, "guess", "198.51.100.7")
    assert attempt(attacker, learner.email, RIGHT, "198.51.100.7").status_code == 429
    assert attempt(own, learner.email, RIGHT, "192.0.2.10").status_code == 302


def test_a_tampered_device_cookie_is_an_unknown_browser(app, learner):
    browser = app.test_client()
    browser.set_cookie("device", "eyJkIjoieCIsImEiOlsxXX0.forged")
    for _ in range(5):
        attempt(browser, learner.email, "guess")
    assert attempt(browser, learner.email, RIGHT).status_code == 429


def test_one_address_cannot_spray_every_account(app, make_user):
    app.config["SIGN_IN_ADDRESS_FAILURES"] = 6
    people = [make_user() for _ in range(7)]
    colleague = app.test_client()  # on the same hospital address, signed in here before
    assert attempt(colleague, people[6].email, RIGHT, "203.0.113.5").status_code == 302
    colleague.post("/sign-out")
    sprayer = app.test_client()
    for person in people[:6]:
        assert attempt(sprayer, person.email, "Password1!", "203.0.113.5").status_code == 200
    response = attempt(sprayer, people[6].email, RIGHT, "203.0.113.5")
    assert response.status_code == 429
    assert 3500 <= int(response.headers["Retry-After"]) <= 3600
    assert attempt(app.test_client(), people[6].email, RIGHT, "203.0.113.6").status_code == 302
    assert attempt(colleague, people[6].email, RIGHT, "203.0.113.5").status_code == 302


def test_old_failures_are_deleted_even_for_unknown_emails(client, learner):
    db.session.add(
        SignInAttempt(
            email="nobody@example.org",
            remote_addr="10.1.1.1",
            attempted_at=utcnow() - timedelta(hours=2),
        )
    )
    db.session.commit()
    attempt(client, "someone-else@example.org", "wrong-password")
    emails = db.session.scalars(select(SignInAttempt.email)).all()
    assert emails == ["someone-else@example.org"]


@pytest.fixture
def verifications(monkeypatch):
    """The password checks made, as (stored hash's method) — a spy around the real check."""
    made: list[str] = []
    real = passwords.verify

    def spy(stored, password):
        made.append(stored.split("$", 1)[0])
        return real(stored, password)

    monkeypatch.setattr(passwords, "verify", spy)
    return made


@pytest.mark.parametrize("case", ["active, wrong", "deactivated, right", "no such account"])
def test_every_sign_in_path_does_the_same_hashing(client, learner, verifications, case):
    if case == "deactivated, right":
        learner.active = False
        db.session.commit()
    email = "nobody@example.org" if case == "no such account" else learner.email
    password = "wrong-password" if case == "active, wrong" else RIGHT
    response = attempt(client, email, password)
    assert response.status_code == 200
    assert accounts.GENERIC_FAILURE.replace("'", "&#39;") in response.get_data(as_text=True)
    assert verifications == ["pbkdf2:sha256:1000"]


def test_the_password_is_hashed_with_no_transaction_holding_the_write_lock(tmp_path):
    """SQLite: the throttle is read in a plain BEGIN, the lock taken only for the write."""
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "t",
            "WTF_CSRF_ENABLED": False,
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'lock.sqlite3'}",
        }
    )
    begins: list[str] = []
    with app.app_context():
        db.create_all()
        accounts.create_user("nora@example.org", "Nora", RIGHT)
        db.session.commit()

        @event.listens_for(db.engine, "connect")
        def trace(dbapi_connection, _record):
            dbapi_connection.set_trace_callback(
                lambda sql: begins.append(sql) if sql.startswith(("BEGIN", "COMMIT")) else None
            )

        db.engine.dispose()
    client = app.test_client()
    client.post("/sign-in", data={"email": "nora@example.org", "password": "wrong-password"})
    assert begins[:3] == ["BEGIN", "BEGIN IMMEDIATE", "COMMIT"]
    with app.app_context():
        db.engine.dispose()
