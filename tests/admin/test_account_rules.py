"""The account rules, tested on the service without a client."""

import pytest
from sqlalchemy import select

from course.extensions import db
from course.models import AuditEvent, Role, User
from course.services import accounts


def _update(user: User, actor_id, **changes):
    values = {
        "name": user.name,
        "email": user.email,
        "department": user.department.name if user.department else None,
        "roles": user.roles,
        "active": user.active,
        "managed_department_ids": [d.id for d in user.managed_departments],
    }
    values.update(changes)
    return accounts.update_user(user.id, actor_id=actor_id, **values)


@pytest.fixture
def admin(make_user):
    return make_user(email="ada@example.org", roles={Role.ADMIN}, department=None)


def test_the_last_active_admin_keeps_the_role_and_the_account(admin, make_user):
    retired = make_user(roles={Role.ADMIN}, department=None)
    retired.active = False  # a deactivated admin does not count
    db.session.commit()
    for changes, field in (({"active": False}, "active"), ({"roles": {Role.LEARNER}}, "roles")):
        with pytest.raises(accounts.AccountError, match="last active admin") as refused:
            _update(admin, None, **changes)  # e.g. from the command line: no acting admin
        assert refused.value.field == field
    db.session.rollback()
    assert admin.active
    assert admin.roles == {Role.ADMIN}
    # With a second active admin, the first may go.
    _update(retired, None, active=True)
    _update(admin, None, active=False)
    db.session.commit()
    assert not db.session.get(User, admin.id).active


def test_an_admin_cannot_deactivate_or_demote_themselves(admin, make_user):
    make_user(roles={Role.ADMIN}, department=None)
    with pytest.raises(accounts.AccountError, match="your own account"):
        _update(admin, admin.id, active=False)
    with pytest.raises(accounts.AccountError, match="your own admin role"):
        _update(admin, admin.id, roles={Role.ADMIN} - {Role.ADMIN} | {Role.TRAINER})
    # Other changes to their own account are fine.
    assert _update(admin, admin.id, name="Ada Lovelace").changed == ["details"]


def test_a_refused_update_changes_nothing(admin, make_user):
    taken = make_user(email="taken@example.org")
    learner = make_user(email="lee@example.org", name="Lee")
    with pytest.raises(accounts.AccountError, match="already has the email") as refused:
        _update(learner, admin.id, name="Changed", email=" TAKEN@example.org", department="New")
    assert refused.value.field == "email"
    assert learner.name == "Lee"  # checked before anything changed, even unflushed
    assert learner.department.name == "Ward A"
    assert (
        db.session.scalars(select(AuditEvent.action).where(AuditEvent.actor_id == admin.id)).all()
        == []
    )
    assert taken.email == "taken@example.org"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": "   "}, "name", "Enter the person's name."),
        ({"email": " "}, "email", "Enter an email address."),
        ({"roles": set()}, "roles", "Choose at least one role."),
        ({"managed_department_ids": [1]}, "managed_departments", "tick the manager role"),
        (
            {"roles": {Role.MANAGER}, "managed_department_ids": [999]},
            "managed_departments",
            "no longer exists",
        ),
    ],
)
def test_bad_input_is_refused_with_the_field_named(admin, make_user, changes, field, message):
    learner = make_user()
    with pytest.raises(accounts.AccountError, match=message) as refused:
        _update(learner, admin.id, **changes)
    assert refused.value.field == field


def test_every_change_is_audited(admin, make_user):
    learner = make_user(email="lee@example.org", name="Lee")
    changes = _update(
        learner,
        admin.id,
        name="Lee Lo",
        email="LEE.LO@example.org",
        department="Ward Z",
        roles={Role.LEARNER, Role.MANAGER},
        managed_department_ids=[learner.department_id],
        active=False,
    )
    db.session.commit()
    assert changes.changed == [
        "details", "department", "roles", "managed departments", "deactivated"
    ]  # fmt: skip
    events = {
        e.action: e
        for e in db.session.scalars(select(AuditEvent).where(AuditEvent.actor_id == admin.id))
    }
    assert set(events) == {
        "user.update", "department.create", "user.department", "user.roles", "user.manages",
        "user.deactivate",
    }  # fmt: skip
    assert events["user.department"].summary == "Ward A to Ward Z"
    assert events["user.roles"].summary == "learner to learner, manager"
    assert events["user.manages"].summary == "manages Ward A"
    assert all(e.subject == f"user:{learner.id}" for a, e in events.items() if a.startswith("user"))
    assert db.session.get(User, learner.id).email == "lee.lo@example.org"


def test_dropping_the_manager_role_needs_its_departments_cleared(admin, make_user):
    manager = make_user(roles={Role.MANAGER, Role.LEARNER})
    accounts.set_manager(manager.email, ["Ward A", "Ward B"], actor_id=admin.id)
    with pytest.raises(accounts.AccountError, match="tick the manager role"):
        _update(manager, admin.id, roles={Role.LEARNER})
    _update(manager, admin.id, roles={Role.LEARNER}, managed_department_ids=[])
    db.session.commit()
    assert accounts.managed_departments(manager.id) == []


def test_set_manager_reuses_the_shared_rule(admin, make_user):
    manager = make_user(roles={Role.LEARNER})
    user = accounts.set_manager(manager.email, ["Ward B", "Ward A", "Ward B"], admin.id)
    assert [d.name for d in user.managed_departments] == ["Ward A", "Ward B"]
    assert user.has_role(Role.MANAGER)
    summary = db.session.scalar(
        select(AuditEvent.summary).where(AuditEvent.action == "user.manages")
    )
    assert summary == "manages Ward A, Ward B"


def test_deactivated_accounts_are_refused_at_sign_in(make_user):
    learner = make_user(email="lee@example.org")
    learner.active = False
    db.session.commit()
    account = accounts.credentials("lee@example.org")
    assert not accounts.password_matches(account, "correct-horse-battery")
