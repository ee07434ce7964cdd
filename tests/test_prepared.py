"""database.Prepared: a statement run through the driver reads and binds values exactly as
SQLAlchemy does (times, booleans, enums, literals), on the engine under test, and the
statements it runs are counted like any other."""

from datetime import timedelta

from sqlalchemy import bindparam, select

from course.database import Prepared
from course.extensions import db
from course.models import Role, UserRole, UserSession
from course.models.types import utcnow


def test_prepared_reads_and_binds_as_sqlalchemy_does(app, make_user, count_queries):
    person = make_user(roles={Role.LEARNER, Role.MANAGER})
    ends = utcnow().replace(microsecond=0) + timedelta(hours=1)  # no fraction: a text trap
    db.session.add(
        UserSession(user_id=person.id, key_hash="k" * 64, remember=True, expires_at=ends)
    )
    db.session.commit()
    live, role = UserSession.__table__, UserRole.__table__
    statement = (
        select(live.c.user_id, live.c.remember, live.c.expires_at, role.c.role)
        .join(role, role.c.user_id == live.c.user_id)
        .where(
            live.c.key_hash == bindparam("key_hash"),
            live.c.expires_at > bindparam("now"),
            role.c.role != Role.ADMIN,  # a literal the statement carries itself
        )
        .order_by(role.c.role)
    )
    prepared = Prepared(statement)
    expected = [
        tuple(row)
        for row in db.session.execute(
            statement, {"key_hash": "k" * 64, "now": ends - timedelta(seconds=1)}
        )
    ]

    with count_queries() as queries:
        rows = prepared.rows({"key_hash": "k" * 64, "now": ends - timedelta(seconds=1)})
    assert (
        rows
        == expected
        == [(person.id, True, ends, Role.LEARNER), (person.id, True, ends, Role.MANAGER)]
    )
    assert rows[0][1] is True
    assert isinstance(rows[0][3], Role)
    assert len(queries) == 1
    # The boundary compares as times, not as text: at the very end the session is over.
    assert prepared.rows({"key_hash": "k" * 64, "now": ends}) == []
    assert prepared.rows({"key_hash": "x" * 64, "now": ends - timedelta(hours=2)}) == []
