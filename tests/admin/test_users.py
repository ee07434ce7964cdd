"""The account pages through the test client: list, create, edit, reset a password."""

import pytest
from sqlalchemy import func, select

from course.extensions import db
from course.models import AuditEvent, Department, Role, SignInAttempt, User
from course.services import accounts

PASSWORD = "correct-horse-battery"  # tests/conftest.py's make_user


def _audit(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def _user(email: str) -> User | None:
    db.session.expire_all()
    return db.session.scalar(select(User).where(User.email == email))


def _names(page: str, people) -> set[str]:
    return {p.name for p in people if p.name in page}


@pytest.fixture
def people(make_user):
    learner = make_user(email="sofia@example.org", name="Sofia Alvarez")
    trainer = make_user(
        email="tom@example.org", name="Tom Trainer", roles={Role.TRAINER}, department="Ward B"
    )
    gone = make_user(email="gus@example.org", name="Gus Gone", department="Ward B")
    gone.active = False
    db.session.commit()
    return {"learner": learner, "trainer": trainer, "gone": gone}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", {"Sofia Alvarez", "Tom Trainer", "Gus Gone", "Ada Admin"}),
        ("?q=alv", {"Sofia Alvarez"}),
        ("?q=TOM%40EXAMPLE", {"Tom Trainer"}),
        ("?q=%25", set()),  # a % is a character to find, not a wildcard
        ("?role=trainer", {"Tom Trainer"}),
        ("?role=admin", {"Ada Admin"}),
        ("?state=inactive", {"Gus Gone"}),
        ("?state=active&department=WARD_B", {"Tom Trainer"}),
        ("?department=0", {"Ada Admin"}),
    ],
)
def test_search_and_filters(client, signed_in_admin, people, query, expected):
    ward_b = db.session.scalar(select(Department.id).where(Department.name == "Ward B"))
    response = client.get("/admin/users" + query.replace("WARD_B", str(ward_b)))
    assert response.status_code == 200
    page = response.get_data(as_text=True).split("<table>")[-1] if expected else ""
    everyone = [*people.values(), signed_in_admin]
    assert _names(page, everyone) == expected
    if not expected:
        assert "No account matches these filters." in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "query", ["?department=abc", "?department=999999", "?role=king", "?state=x", "?page=0"]
)
def test_bad_filters_get_a_message_not_a_500(client, signed_in_admin, query):
    response = client.get("/admin/users" + query)
    assert response.status_code == 400
    assert "There is a problem" in response.get_data(as_text=True)


def test_the_list_is_paginated(client, signed_in_admin, make_user):
    for number in range(accounts.USERS_PER_PAGE + 5):
        make_user(email=f"p{number:03}@example.org", name=f"Pat {number:03}")
    first = client.get("/admin/users").get_data(as_text=True)
    assert "Page 1 of 2" in first
    assert "Pat 000" in first
    assert "Pat 054" not in first
    second = client.get("/admin/users?page=2").get_data(as_text=True)
    assert "Pat 054" in second
    assert "Pat 000" not in second
    assert first.count('<th scope="row">') == accounts.USERS_PER_PAGE
    assert second.count('<th scope="row">') == 6  # 55 + the admin - 50
    missing = client.get("/admin/users?page=3")
    assert missing.status_code == 404
    assert "There is no page 3" in missing.get_data(as_text=True)


def _new_user(**changes) -> dict:
    data = {
        "name": "Nia New",
        "email": "  Nia.New@Example.org ",
        "department": "",
        "new_department": "",
        "roles": ["learner"],
        "password": "a-long-password",
        "confirm": "a-long-password",
    }
    data.update(changes)
    return data


def test_create_an_account_in_a_new_department(client, auth, signed_in_admin):
    response = client.post(
        "/admin/users/new",
        data=_new_user(new_department="  Radiology ", roles=["learner", "manager"]),
    )
    assert response.status_code == 302
    user = _user("nia.new@example.org")
    assert user.department.name == "Radiology"
    assert user.roles == {Role.LEARNER, Role.MANAGER}
    assert [e.actor_id for e in _audit("user.create") if e.subject == f"user:{user.id}"] == [
        signed_in_admin.id
    ]
    assert [e.summary for e in _audit("department.create")][-1] == "Radiology"
    auth.sign_out()
    assert auth.sign_in("nia.new@example.org", "a-long-password").status_code == 302


def test_create_an_account_in_an_existing_department(client, signed_in_admin, make_user):
    ward = make_user().department
    response = client.post(
        "/admin/users/new", data=_new_user(department=str(ward.id), roles=["trainer"])
    )
    assert response.status_code == 302
    assert _user("nia.new@example.org").department_id == ward.id


def test_a_typed_department_that_exists_is_reused(client, signed_in_admin, make_user):
    ward = make_user().department  # "Ward A"
    client.post("/admin/users/new", data=_new_user(new_department="ward  a"))
    assert _user("nia.new@example.org").department_id == ward.id
    assert db.session.scalar(select(func.count(Department.id))) == 1


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": "  "}, "name", "Enter the person&#39;s name."),
        ({"email": "not-an-email"}, "email", "Enter an email address like"),
        ({"email": "TAKEN@example.org"}, "email", "Another account already has the email"),
        ({"roles": []}, "roles", "Choose at least one role."),
        ({"password": "short", "confirm": "short"}, "password", "Use 10 to 1000 characters."),
        ({"confirm": "something-else"}, "confirm", "The two passwords differ."),
        ({"department": "1", "new_department": "X"}, "new_department", "not both"),
        ({"department": "12345"}, "department", "Not a valid choice"),
    ],
)
def test_bad_input_is_refused_next_to_the_field(
    client, signed_in_admin, make_user, changes, field, message
):
    make_user(email="taken@example.org")  # in Ward A, department 1
    response = client.post("/admin/users/new", data=_new_user(**changes))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    error = page.split(f'id="{field}-error"')[1].split("</p>")[0]
    assert message in error
    if field != "name":
        assert 'value="Nia New"' in page  # what was typed is kept
    assert _user("nia.new@example.org") is None


def _edit_data(user: User, **changes) -> dict:
    data = {
        "name": user.name,
        "email": user.email,
        "department": str(user.department_id or ""),
        "new_department": "",
        "roles": sorted(r.value for r in user.roles),
        "active": "y" if user.active else "",
        "managed_departments": [str(d.id) for d in user.managed_departments],
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v != ""}


def test_edit_name_email_roles_and_managed_departments(client, signed_in_admin, people):
    learner = people["learner"]
    ward_b = people["trainer"].department
    response = client.post(
        f"/admin/users/{learner.id}",
        data=_edit_data(
            learner,
            name=" Sofía  Álvarez ",
            email=" SOFIA.A@Example.org",
            roles=["learner", "manager"],
            managed_departments=[str(ward_b.id), str(learner.department_id)],
        ),
    )
    assert response.status_code == 302
    user = _user("sofia.a@example.org")
    assert user.name == "Sofía Álvarez"
    assert user.roles == {Role.LEARNER, Role.MANAGER}
    assert {d.name for d in user.managed_departments} == {"Ward A", "Ward B"}
    assert accounts.managed_departments(user.id)[0].name == "Ward A"
    assert {e.action for e in db.session.scalars(select(AuditEvent))} >= {
        "user.update",
        "user.roles",
        "user.manages",
    }
    assert "sofia@example.org to sofia.a@example.org" in _audit("user.update")[0].summary
    # Saving the same values again changes nothing and writes no audit line.
    events = db.session.scalar(select(func.count(AuditEvent.id)))
    client.post(f"/admin/users/{learner.id}", data=_edit_data(user))
    assert db.session.scalar(select(func.count(AuditEvent.id))) == events


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"email": "tom@example.org"}, "email", "Another account already has the email"),
        ({"email": "TOM@example.org "}, "email", "Another account already has the email"),
        ({"roles": []}, "roles", "Choose at least one role."),
        ({"managed_departments": ["1"]}, "managed_departments", "tick the manager role"),
    ],
)
def test_bad_edits_are_refused_and_nothing_is_saved(
    client, signed_in_admin, people, changes, field, message
):
    learner = people["learner"]
    response = client.post(
        f"/admin/users/{learner.id}", data=_edit_data(learner, name="Typed Name", **changes)
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page.split(f'id="{field}-error"')[1].split("</p>")[0]
    assert 'value="Typed Name"' in page
    assert _user("sofia@example.org").name == "Sofia Alvarez"
    assert _audit("user.update") == []


def test_an_admin_cannot_deactivate_themselves_or_drop_their_admin_role(
    client, signed_in_admin, make_user
):
    make_user(roles={Role.ADMIN}, department=None)  # another admin exists: still refused
    me = signed_in_admin
    for changes, field in (({"active": ""}, "active"), ({"roles": ["learner"]}, "roles")):
        response = client.post(f"/admin/users/{me.id}", data=_edit_data(me, **changes))
        assert response.status_code == 422
        error = response.get_data(as_text=True).split(f'id="{field}-error"')[1]
        assert "You cannot deactivate your own account or remove your own admin role" in error
    me = _user(me.email)
    assert me.active
    assert me.has_role(Role.ADMIN)


def test_another_admin_can_be_demoted_and_deactivated(client, signed_in_admin, make_user):
    other = make_user(email="bo@example.org", roles={Role.ADMIN}, department=None)
    response = client.post(
        f"/admin/users/{other.id}", data=_edit_data(other, roles=["learner"], active="")
    )
    assert response.status_code == 302
    other = _user("bo@example.org")
    assert not other.active
    assert other.roles == {Role.LEARNER}
    assert [e.subject for e in _audit("user.deactivate")] == [f"user:{other.id}"]
    assert _audit("user.roles")[0].summary == "admin to learner"


def test_a_deactivated_account_cannot_sign_in_and_is_signed_out(
    client, signed_in_admin, people, browser_of
):
    learner = people["learner"]
    theirs = browser_of(learner)
    assert theirs.get("/").status_code == 200
    client.post(f"/admin/users/{learner.id}", data=_edit_data(learner, active=""))
    assert _user(learner.email).active is False
    response = theirs.get("/")
    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]
    refused = theirs.post("/sign-in", data={"email": learner.email, "password": PASSWORD})
    assert refused.status_code != 302
    # Reactivated: they may sign in again.
    client.post(f"/admin/users/{learner.id}", data=_edit_data(_user(learner.email), active="y"))
    assert _audit("user.reactivate")
    again = theirs.post("/sign-in", data={"email": learner.email, "password": PASSWORD})
    assert again.status_code == 302


def test_reset_a_password(app, client, signed_in_admin, people):
    learner = people["learner"]
    other = app.test_client()
    for _ in range(app.config["SIGN_IN_FREE_FAILURES"] + 1):
        other.post("/sign-in", data={"email": learner.email, "password": "wrong-password"})
    assert db.session.scalar(select(func.count(SignInAttempt.id))) == 5  # the last one waits
    url = f"/admin/users/{learner.id}/password"
    short = client.post(url, data={"password": "short", "confirm": "short"})
    assert short.status_code == 422
    assert (
        "Use 10 to 1000 characters." in short.get_data(as_text=True).split('id="password-error"')[1]
    )
    new = "violet-kettle-harbour"
    response = client.post(url, data={"password": new, "confirm": new})
    assert response.status_code == 302
    assert db.session.scalar(select(func.count(SignInAttempt.id))) == 0  # the wait is lifted
    signed_in = other.post("/sign-in", data={"email": learner.email, "password": new})
    assert signed_in.status_code == 302
    assert _audit("user.password")[0].subject == f"user:{learner.id}"
