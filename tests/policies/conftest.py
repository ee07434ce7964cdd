"""Policies: an admin, a published policy, helpers to sign it."""

from datetime import timedelta

import pytest

from course.extensions import db
from course.models import Module, Role
from course.services import clock, content_io, curriculum, policies

POLICY_TEXT = """## Our social-media policy

Never post anything about a patient.<script>alert(1)</script>

- Speak for yourself, not the hospital.
"""


@pytest.fixture
def admin(make_user):
    return make_user(email="admin@example.org", name="Ada Admin", roles={Role.ADMIN})


@pytest.fixture
def policy(app, admin):
    """Version 1 of a published policy."""
    made = policies.create(admin.id, "Social media policy", POLICY_TEXT, clock.today(), "")
    policies.publish(admin.id, made)
    db.session.commit()
    return made


@pytest.fixture
def module(app):
    """Meet the experts (one exercise), loaded."""
    path = content_io.CURRICULUM_DIR / "01-meet-the-experts.md"
    curriculum.load(content_io.parse_module(path.read_text(encoding="utf-8")))
    db.session.commit()
    return db.session.scalar(db.select(Module).where(Module.slug == "meet-the-experts"))


def sign_form(policy, name="Nora Nurse", password="correct-horse-battery", agree="y"):  # noqa: S107
    form = {"text_hash": policies.text_hash(policy.current), "full_name": name}
    if password is not None:
        form["password"] = password
    if agree:
        form["agree"] = agree
    return form


def publish_v2(admin_id, policy, resign=True, days=7, reason="New rule on patient photos."):
    policies.start_draft(admin_id, policy)
    draft = policies.draft_of(policy)
    policies.save_draft(
        admin_id,
        policy,
        draft.title,
        draft.body_markdown + "\n- Never photograph a patient.\n",
        clock.today(),
        "Added a rule on photographs.",
    )
    policies.publish(
        admin_id, policy, resign=resign, due_on=clock.today() + timedelta(days=days), reason=reason
    )
    db.session.commit()
