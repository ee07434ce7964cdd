"""Departments: the list with member counts, create, rename, delete only when empty."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from course.extensions import db
from course.models import Assignment, AuditEvent, Department, Module, Role
from course.models.types import utcnow
from course.services import accounts


def _department(name):
    db.session.expire_all()
    return db.session.scalar(select(Department).where(Department.name == name))


def _actions():
    return db.session.scalars(select(AuditEvent.action)).all()


def test_member_counts_in_one_statement(make_user, count_queries):
    make_user(department="Ward A")
    make_user(department="Ward A").active = False
    make_user(department="Ward B")
    accounts.create_department("Empty Ward", actor_id=None)
    db.session.commit()
    with count_queries() as queries:
        rows = accounts.departments_with_counts()
    assert len(queries) == 1
    assert "GROUP BY" in queries[0].upper()
    assert [(r.name, r.members, r.active_members) for r in rows] == [
        ("Empty Ward", 0, 0),
        ("Ward A", 2, 1),
        ("Ward B", 1, 1),
    ]


def test_the_page_lists_counts_and_adds_a_department(client, signed_in_admin, make_user):
    make_user(department="Ward A")
    page = client.get("/admin/departments").get_data(as_text=True)
    assert 'aria-hidden="true">Members</span><span>1</span>' in page
    response = client.post("/admin/departments", data={"name": "  Oncology   Day Unit "})
    assert response.status_code == 302
    assert _department("Oncology Day Unit") is not None
    assert "department.create" in _actions()


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "Enter the department&#39;s name."),
        ("ward a", "There is already a department called Ward A."),
        ("x" * 121, "Field cannot be longer than 120 characters."),
    ],
)
def test_bad_names_are_refused_next_to_the_field(client, signed_in_admin, make_user, name, message):
    make_user(department="Ward A")
    response = client.post("/admin/departments", data={"name": name})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page.split('id="name-error"')[1].split("</p>")[0]
    if name:
        assert f'value="{name}"' in page
    assert db.session.scalar(select(func.count(Department.id))) == 1


def test_rename(client, signed_in_admin, make_user):
    ward = make_user(department="Ward A").department
    make_user(department="Ward B")
    url = f"/admin/departments/{ward.id}"
    taken = client.post(url, data={"name": "WARD B"})
    assert taken.status_code == 422
    assert "There is already a department called Ward B." in taken.get_data(as_text=True)
    assert 'value="WARD B"' in taken.get_data(as_text=True)
    assert client.post(url, data={"name": "ward a"}).status_code == 302  # only the case
    assert client.post(url, data={"name": "Cardiology Ward"}).status_code == 302
    assert _department("Cardiology Ward").id == ward.id
    summaries = db.session.scalars(
        select(AuditEvent.summary).where(AuditEvent.action == "department.rename")
    ).all()
    assert summaries == ["Ward A to ward a", "ward a to Cardiology Ward"]


def test_the_service_repeats_the_form_checks(make_user):
    ward = make_user(department="Ward A").department
    make_user(department="Ward B")
    with pytest.raises(accounts.AccountError, match="already a department") as refused:
        accounts.rename_department(ward.id, " ward  b", actor_id=None)
    assert refused.value.field == "name"
    with pytest.raises(accounts.AccountError, match="Enter the department"):
        accounts.create_department("   ", actor_id=None)


def test_delete_an_empty_department(client, signed_in_admin, make_user):
    manager = make_user(roles={Role.MANAGER}, department=None)
    ward = accounts.create_department("Old Ward", actor_id=None)
    accounts.set_manager(manager.email, ["Old Ward"])
    response = client.post(f"/admin/departments/{ward.id}/delete")
    assert response.status_code == 302
    assert _department("Old Ward") is None
    assert accounts.managed_departments(manager.id) == []
    summary = db.session.scalar(
        select(AuditEvent.summary).where(AuditEvent.action == "department.delete")
    )
    assert summary == f"Old Ward (no longer managed by {manager.email})"


def test_a_department_with_members_is_kept(client, signed_in_admin, make_user):
    learner = make_user(department="Ward A")
    learner.active = False  # deactivated members count too
    db.session.commit()
    ward_id = learner.department_id
    response = client.post(f"/admin/departments/{ward_id}/delete", follow_redirects=True)
    assert "Ward A still has 1 member" in response.get_data(as_text=True)
    assert _department("Ward A") is not None
    assert "department.delete" not in _actions()


def test_a_department_with_assignments_is_kept(
    client, signed_in_admin, curriculum, make_user, admin
):
    ward = accounts.create_department("Assigned Ward", actor_id=None)
    db.session.commit()
    module_id = db.session.scalar(select(func.min(Module.id)))
    db.session.add(
        Assignment(
            module_id=module_id,
            department_id=ward.id,
            due_on=utcnow().date() + timedelta(days=7),
            assigned_by_id=admin.id,
        )
    )
    db.session.commit()
    response = client.post(f"/admin/departments/{ward.id}/delete", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Assigned Ward cannot be deleted: 1 assignment is recorded for it" in page
    assert _department("Assigned Ward") is not None
    assert db.session.scalar(select(func.count(Assignment.id))) == 1
