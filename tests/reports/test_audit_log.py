"""The audit log page: filters, 50 a page in a fixed number of statements, streamed CSV, each
manager's departments only; sign-in, sign-out and failed sign-ins are audited."""

import csv
import io
from datetime import timedelta

import pytest
from sqlalchemy import select

from course.extensions import db
from course.models import AuditEvent, Role
from course.models.types import utcnow
from course.services import audit

from .helpers import assign


@pytest.fixture
def admin(make_user):
    return make_user(email="ada@example.org", name="Ada Admin", roles={Role.ADMIN}, department=None)


def _lines(count: int, actor_id, action="module.save", subject="module:1") -> None:
    for n in range(count):
        audit.record(actor_id, action, subject, f"line {n}")
    db.session.commit()


def _csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def test_admins_filter_the_log_and_export_it(ward, client, auth, admin):
    assign(ward["manager"])  # an assignment.create line by Maya
    _lines(3, admin.id, "module.save", "module:7")
    old = AuditEvent(
        actor_id=admin.id, action="module.save", subject="module:8", summary="last year",
        at=utcnow() - timedelta(days=400),
    )  # fmt: skip
    db.session.add(old)
    db.session.commit()
    auth.sign_in(admin)
    page = client.get("/reports/audit").get_data(as_text=True)
    assert "assignment.create" in page
    assert "Maya Manager" in page
    by_maya = client.get("/reports/audit?person=maya%40").get_data(as_text=True)
    assert "assignment.create" in by_maya
    assert "line 0" not in by_maya
    saved = client.get("/reports/audit?action=module.save&target=module:7").get_data(as_text=True)
    assert saved.count("<td>module:7</td>") == 3
    assert "last year" not in saved
    recent = client.get(
        f"/reports/audit?target=module&date_from={(utcnow() - timedelta(days=30)).date()}"
    ).get_data(as_text=True)
    assert "line 2" in recent
    assert "last year" not in recent
    rows = _csv(client.get("/reports/audit.csv?target=module&action=module.save"))
    assert rows[0] == ["When (UTC)", "Who", "Who (email)", "Action", "Target", "Details"]
    assert [r[5] for r in rows[1:]] == ["line 2", "line 1", "line 0", "last year"]


def test_bad_filters_are_refused_next_to_their_field(ward, client, auth, admin):
    auth.sign_in(admin)
    response = client.get("/reports/audit?date_from=2026-05-01&date_to=2026-04-01")
    assert response.status_code == 400
    assert 'id="date_to-error"' in response.get_data(as_text=True)
    assert client.get("/reports/audit?action=no.such").status_code == 400
    assert client.get("/reports/audit?page=99").status_code == 404


def test_fifty_a_page_in_a_fixed_number_of_statements(ward, client, auth, admin, count_queries):
    auth.sign_in(admin)

    def statements(page: int) -> int:
        with count_queries() as queries:
            response = client.get(f"/reports/audit?page={page}")
        assert response.status_code == 200
        return len(queries)

    _lines(60, admin.id)
    few = statements(1)
    _lines(400, admin.id)
    assert statements(1) == few
    page = client.get("/reports/audit?page=2").get_data(as_text=True)
    assert "page 2 of 10" in page  # 400 + 60 + the sign-in line and its neighbours
    assert page.count("<tr>") - 1 == 50


def test_managers_read_only_their_departments_lines(ward, client, auth, admin):
    assign(ward["manager"])  # Ward A
    assign(ward["other_manager"], department_name="Ward B")
    _lines(1, admin.id, "user.password", f"user:{ward['learner'].id}")
    auth.sign_in(ward["manager"])
    rows = _csv(client.get("/reports/audit.csv"))[1:]
    assert [(r[3], r[1]) for r in rows] == [
        ("auth.sign_in", "Maya Manager"),  # their own lines
        ("assignment.create", "Maya Manager"),
        ("department.create", "(the system)"),  # Ward A's creation
    ]
    assert rows[2][5] == "Ward A"
    page = client.get("/reports/audit").get_data(as_text=True)
    assert "Otto Other" not in page
    assert "user.password" not in page


def test_sign_in_sign_out_and_failures_are_audited(client, auth, learner):
    auth.sign_in(learner, password="wrong-password-here")
    auth.sign_in(learner)
    auth.sign_out()
    auth.sign_in("nobody@example.org", password="wrong-password-here")
    db.session.expire_all()
    lines = db.session.execute(
        select(AuditEvent.action, AuditEvent.actor_id, AuditEvent.summary)
        .where(AuditEvent.action.startswith("auth."))
        .order_by(AuditEvent.id)
    ).all()
    assert [(a, actor) for a, actor, _ in lines] == [
        ("auth.sign_in_failed", learner.id),
        ("auth.sign_in", learner.id),
        ("auth.sign_out", learner.id),
        ("auth.sign_in_failed", None),
    ]
    assert lines[-1][2].startswith("nobody@example.org from ")
