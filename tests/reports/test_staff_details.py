"""Employee id, job title and hire date: admin pages, the report's filters, CSV and API."""

import csv
import io
from datetime import date

import pytest
from sqlalchemy import select

from course.extensions import db
from course.models import AuditEvent, Role, User
from course.services import accounts, tokens
from reports.helpers import assign


@pytest.fixture
def signed_in_admin(make_user, auth):
    admin = make_user(email="ada@example.org", roles={Role.ADMIN}, department=None)
    assert auth.sign_in(admin).status_code == 302
    return admin


def _user(email: str) -> User:
    db.session.expire_all()
    return db.session.scalar(select(User).where(User.email == email))


def _form(**changes) -> dict:
    data = {
        "name": "Rita Nurse",
        "email": "rita@example.org",
        "employee_id": "E-1001",
        "job_title": "Registered  Nurse",
        "hire_date": "2026-03-02",
        "new_department": "Ward A",
        "roles": ["learner"],
        "password": "correct-horse-battery",
        "confirm": "correct-horse-battery",
    }
    data.update(changes)
    return data


def test_an_admin_creates_and_edits_the_staff_details(client, signed_in_admin):
    response = client.post("/admin/users/new", data=_form())
    assert response.status_code == 302
    rita = _user("rita@example.org")
    assert (rita.employee_id, rita.job_title, rita.hire_date) == (
        "E-1001",
        "Registered Nurse",
        date(2026, 3, 2),
    )
    page = client.get(f"/admin/users/{rita.id}").get_data(as_text=True)
    assert 'value="E-1001"' in page
    assert 'value="Registered Nurse"' in page
    assert 'value="2026-03-02"' in page
    listing = client.get("/admin/users?q=E-1001").get_data(as_text=True)
    assert "Rita Nurse" in listing
    assert "Registered Nurse" in listing

    edit = _form(employee_id="E-2002", job_title="Charge Nurse", hire_date="")
    edit["department"] = str(rita.department_id)
    del edit["new_department"]
    assert client.post(f"/admin/users/{rita.id}", data=edit).status_code == 302
    rita = _user("rita@example.org")
    assert (rita.employee_id, rita.job_title, rita.hire_date) == ("E-2002", "Charge Nurse", None)
    line = db.session.scalar(
        select(AuditEvent.summary).where(
            AuditEvent.action == "user.update", AuditEvent.subject == f"user:{rita.id}"
        )
    )
    assert "employee id E-1001 to E-2002" in line
    assert "job title Registered Nurse to Charge Nurse" in line
    assert "hire date 2026-03-02 to none" in line


def test_an_employee_id_is_unique_and_refused_next_to_its_field(client, signed_in_admin):
    assert client.post("/admin/users/new", data=_form()).status_code == 302
    response = client.post(
        "/admin/users/new", data=_form(email="other@example.org", employee_id=" E-1001 ")
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="employee_id-error"' in page
    assert "Another account already has the employee id E-1001." in page
    assert _user("other@example.org") is None


def test_the_service_refuses_a_taken_employee_id(app, make_user):
    make_user(email="a@example.org")
    first = _user("a@example.org")
    accounts.update_user(
        first.id,
        name=first.name,
        email=first.email,
        department=None,
        roles={Role.LEARNER},
        active=True,
        actor_id=None,
        employee_id="77",
    )
    db.session.commit()
    with pytest.raises(accounts.AccountError) as refused:
        accounts.create_user("b@example.org", "B", "correct-horse-battery", employee_id="77")
    assert refused.value.field == "employee_id"
    # Left out, the staff details are kept as they are.
    accounts.update_user(
        first.id,
        name="Renamed",
        email=first.email,
        department=None,
        roles={Role.LEARNER},
        active=True,
        actor_id=None,
    )
    assert _user("a@example.org").employee_id == "77"


def test_a_bad_hire_date_is_shown_next_to_the_field(client, signed_in_admin):
    response = client.post("/admin/users/new", data=_form(hire_date="2026-02-31"))
    assert response.status_code == 422
    assert 'id="hire_date-error"' in response.get_data(as_text=True)


@pytest.fixture
def staffed_ward(ward):
    """The report's ward, its learners with job titles and employee ids, a module assigned."""
    for key, (employee_id, title) in {
        "learner": ("N-1", "Registered Nurse"),
        "colleague": ("P-9", "Porter"),
    }.items():
        person = ward[key]
        person.employee_id, person.job_title = employee_id, title
        person.hire_date = date(2025, 1, 6)
    db.session.commit()
    assign(ward["manager"])
    db.session.commit()
    return ward


def _csv(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def test_the_report_filters_by_job_title_and_finds_a_learner(client, auth, staffed_ward):
    auth.sign_in(staffed_ward["manager"])
    page = client.get("/reports/").get_data(as_text=True)
    assert '<option value="Registered Nurse">' in page
    nurses = client.get("/reports/?job_title=Registered+Nurse").get_data(as_text=True)
    assert "Sofía Álvarez" in nurses
    assert "Jonas Berg" not in nurses
    found = client.get("/reports/?q=P-9").get_data(as_text=True)
    assert "Jonas Berg" in found
    assert "Sofía Álvarez" not in found
    assert "Jonas Berg" in client.get("/reports/?q=jonas%40").get_data(as_text=True)
    rows = _csv(client.get("/reports/export.csv?job_title=Registered+Nurse"))
    assert [(r["Learner"], r["Employee id"], r["Job title"], r["Hire date"]) for r in rows] == [
        ("Sofía Álvarez", "N-1", "Registered Nurse", "2025-01-06")
    ]


def test_the_job_title_filter_lists_only_titles_in_the_managers_scope(client, auth, staffed_ward):
    outsider = staffed_ward["outsider"]
    outsider.job_title = "Radiographer"
    db.session.commit()
    auth.sign_in(staffed_ward["manager"])
    assert "Radiographer" not in client.get("/reports/").get_data(as_text=True)
    # Not a choice: refused, not quietly ignored.
    assert client.get("/reports/?job_title=Radiographer").status_code == 400


def test_the_api_gives_the_staff_details(client, staffed_ward):
    raw, _token = tokens.create(staffed_ward["manager"], "HR")
    db.session.commit()
    body = client.get("/api/v1/report?q=N-1", headers={"Authorization": f"Bearer {raw}"}).get_json()
    [row] = body["items"]
    assert (row["employee_id"], row["job_title"], row["hire_date"]) == (
        "N-1",
        "Registered Nurse",
        "2025-01-06",
    )
