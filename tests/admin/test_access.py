"""Only admins reach the admin area: every admin rule and method, by role; CSRF is enforced."""

import re

import pytest
from route_rules import COMPLETIONS_IMPORT_PAGES, URL_MAP, concrete, endpoints_of, rules_of
from sqlalchemy import select
from tests_images import png_bytes

from course.extensions import db
from course.models import Department, Module, OutboxMessage, Role
from course.services import (
    clock,
    content_io,
    credit,
    curriculum,
    mail,
    past_completions,
    policies,
    staff_import,
)

RULES = rules_of("admin")
ENDPOINTS = endpoints_of("admin")


@pytest.fixture
def target(make_user):
    """A learner in Ward A, a message to them and a published policy: what the URLs name."""
    learner = make_user(email="lee@example.org", name="Lee Learner")
    policy = policies.create(learner.id, "Social media policy", "Be kind.", clock.today())
    policies.publish(learner.id, policy)
    credit.save_logo(learner.id, png_bytes())
    path = content_io.CURRICULUM_DIR / "06-share-information.md"
    curriculum.load(content_io.parse_module(path.read_text(encoding="utf-8")))
    module_id = db.session.scalar(select(Module.id))
    message_id = mail.enqueue("certificate", learner.email, user_id=learner.id)
    message = db.session.get(OutboxMessage, message_id)
    message.mime = mail.build_mime(
        message, mail.Composed("Hello", "Hello Lee", "<p>Hello Lee</p>"), mail.settings()
    )
    data = b"email,name\nnew@example.org,New Person\n"
    plan = staff_import.preview(staff_import.read_file("staff.csv", data))
    preview = staff_import.store(plan, "staff.csv", data, None, False)
    past = b"email,module,completed_on,source\nlee@example.org,share-information,2026-01-02,LMS\n"
    completions = past_completions.store(
        past_completions.preview(past_completions.read_file("past.csv", past)),
        "past.csv",
        past,
        None,
    )
    db.session.commit()
    return {
        "user_id": learner.id,
        "department_id": learner.department_id,
        "message_id": message_id,
        "policy_id": policy.id,
        "token": preview.token,
        "import_token": completions.token,
        "module_id": module_id,
    }


def test_the_admin_area_has_its_routes():
    for name in ("list_users", "new_user", "edit_user", "reset_password", "list_departments",
                 "create_department", "edit_department", "delete_department"):  # fmt: skip
        assert f"admin.{name}" in ENDPOINTS
    assert len(RULES) >= 10


def test_the_completions_import_routes_are_listed():
    assert {(r, m) for r, m in RULES if r.startswith("/admin/completions/")} == (
        COMPLETIONS_IMPORT_PAGES
    )


def test_there_is_no_way_to_delete_an_account():
    """Deactivation is the removal: recorded evidence must outlive the account."""
    user_rules = [r for r, _ in RULES if r.startswith("/admin/users")]
    assert not [r for r in user_rules if "delete" in r or "remove" in r]
    assert all("DELETE" not in rule.methods for rule in URL_MAP.iter_rules())


@pytest.mark.parametrize(("rule", "method"), RULES)
def test_anonymous_visitors_are_sent_to_sign_in(client, target, rule, method):
    response = client.open(concrete(rule, target), method=method, data={})
    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]


@pytest.mark.parametrize(("rule", "method"), RULES)
@pytest.mark.parametrize("role", [Role.LEARNER, Role.TRAINER, Role.MANAGER])
def test_other_roles_get_403(client, auth, make_user, target, rule, method, role):
    auth.sign_in(make_user(roles={role, Role.LEARNER}))
    before = db.session.scalars(select(Department.name)).all()
    response = client.open(concrete(rule, target), method=method, data={"name": "Hacked"})
    assert response.status_code == 403
    assert db.session.scalars(select(Department.name)).all() == before


@pytest.mark.parametrize(("rule", "method"), [(r, m) for r, m in RULES if m == "GET"])
def test_admins_reach_every_page(client, signed_in_admin, target, rule, method):
    response = client.get(concrete(rule, target))
    assert response.status_code == 200
    # A mail's HTML part, framed in its page; the logo, an image.
    if not rule.endswith(("/message.html", "/organisation/logo")):
        assert "<h1>" in response.get_data(as_text=True)


def test_the_menu_shows_admin_to_admins_only(client, auth, make_user, signed_in_admin):
    assert 'href="/admin/users">Admin<' in client.get("/").get_data(as_text=True)
    auth.sign_out()
    auth.sign_in(make_user(roles={Role.MANAGER, Role.TRAINER}))
    assert ">Admin<" not in client.get("/").get_data(as_text=True)


def test_admin_forms_refuse_a_missing_csrf_token(app, client, signed_in_admin, target):
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post("/admin/departments", data={"name": "Forged Ward"})
    assert response.status_code == 400
    assert "not accepted" in response.get_data(as_text=True)
    response = client.post(
        f"/admin/users/{target['user_id']}",
        data={"name": "Forged", "email": "lee@example.org", "roles": ["learner"]},
    )
    assert response.status_code == 400
    assert db.session.scalar(select(Department).where(Department.name == "Forged Ward")) is None
    db.session.expire_all()
    assert "Forged" not in client.get(f"/admin/users/{target['user_id']}").get_data(as_text=True)


def test_admin_forms_accept_their_own_csrf_token(app, client, signed_in_admin):
    app.config["WTF_CSRF_ENABLED"] = True
    page = client.get("/admin/departments").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)[1]
    response = client.post("/admin/departments", data={"name": "Real Ward", "csrf_token": token})
    assert response.status_code == 302
    assert db.session.scalar(select(Department).where(Department.name == "Real Ward"))
