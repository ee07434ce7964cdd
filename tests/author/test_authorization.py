"""Only trainers and admins reach the studio: every author rule, every method, by role."""

import pytest
from route_rules import concrete, endpoints_of, rules_of

from course.models import Role

RULES = rules_of("author")


def test_the_studio_has_its_routes():
    endpoints = endpoints_of("author")
    for name in ("list_modules", "new_module", "edit_module", "edit_lesson", "preview_lesson",
                 "edit_question", "edit_exercise", "publish_module", "export_module",
                 "import_module", "import_gift", "preview_module", "item_analysis"):  # fmt: skip
        assert f"author.{name}" in endpoints
    assert len(RULES) >= 25


KEYS = {"lessons": "lesson-1", "questions": "q1", "exercises": "flu-season-post"}


def studio_url(rule: str) -> str:
    """The rule with real values from the shipped module "share-information"."""
    part = next((p for p in KEYS if f"/{p}/" in rule), "lessons")
    values = {"slug": "share-information", "part": part, "key": KEYS[part], "direction": "up"}
    return concrete(rule, values)


@pytest.mark.parametrize(("rule", "method"), RULES)
@pytest.mark.parametrize("role", [Role.LEARNER, Role.MANAGER])
def test_learners_and_managers_get_403(
    share_information, client, auth, make_user, rule, method, role
):
    auth.sign_in(make_user(roles={role}))
    response = client.open(studio_url(rule), method=method, data={})
    assert response.status_code == 403


@pytest.mark.parametrize(("rule", "method"), RULES)
def test_anonymous_visitors_are_sent_to_sign_in(share_information, client, rule, method):
    response = client.open(studio_url(rule), method=method, data={})
    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]


@pytest.mark.parametrize(
    ("rule", "method"), [(rule, method) for rule, method in RULES if method == "GET"]
)
@pytest.mark.parametrize("role", [Role.TRAINER, Role.ADMIN])
def test_trainers_and_admins_reach_every_page(
    share_information, client, auth, make_user, rule, role, method
):
    auth.sign_in(make_user(roles={role}))
    response = client.get(studio_url(rule))
    assert response.status_code == 200, rule
