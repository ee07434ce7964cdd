"""Policy sign-off in the browser: an admin publishes a policy attached to a module; a learner
completes the module by signing it (a wrong password first); the admin publishes version 2
asking everyone to sign again; the learner is asked (by mail and on My policies) and signs;
the manager's report and CSV show both signatures."""

import csv
import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
from model_answers import MODEL_ANSWERS
from playwright.sync_api import expect
from sqlalchemy import select

from course.extensions import db
from course.models import (
    AttemptState,
    Module,
    ModuleProgress,
    OutboxMessage,
    ProgressStatus,
    QuizAttempt,
    Role,
    User,
)
from course.services import clock

from .conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SLUG = "ongoing-support"  # no other browser test uses it: attaching a policy changes nothing else
TITLE = "Ongoing support"
POLICY = "Social media policy (journey)"


def _db(live_server, read):
    with live_server.app.app_context():
        try:
            return read()
        finally:
            db.session.remove()


def _quiz_questions(live_server, user_id: int) -> list[dict]:
    def read():
        module_id = db.session.scalar(select(Module.id).where(Module.slug == SLUG))
        return db.session.scalars(
            select(QuizAttempt.questions).where(
                QuizAttempt.user_id == user_id,
                QuizAttempt.module_id == module_id,
                QuizAttempt.state == AttemptState.OPEN,
            )
        ).one()

    return _db(live_server, read)


def _progress(live_server, user_id: int):
    def read():
        module_id = db.session.scalar(select(Module.id).where(Module.slug == SLUG))
        return db.session.get(ModuleProgress, (user_id, module_id)).status

    return _db(live_server, read)


def _tab(new_page, sign_in_as, email):
    """A person's own browser, signed in; patient, as a ward PC on a busy server is."""
    tab = new_page()
    tab.set_default_timeout(30_000)
    sign_in_as(tab, email)
    return tab


def _sign(page, name: str, password: str = PASSWORD) -> None:
    page.get_by_label("I have read and understood this policy").check()
    page.get_by_label("Your full name").fill(name)
    page.get_by_label("Your password").fill(password)
    page.get_by_role("button", name=re.compile(r"^Sign version \d+$")).click()


def test_sign_a_policy_at_the_end_of_a_module_then_its_new_version(
    live_server, new_page, sign_in_as
):
    today = _db(live_server, clock.today)
    _, admin_email = live_server.make_user({Role.ADMIN}, department="Ward P")
    _, manager_email = live_server.make_user({Role.MANAGER}, manages=["Ward P"])
    learner_id, learner_email = live_server.make_user(department="Ward P")
    learner_name = _db(live_server, lambda: db.session.get(User, learner_id).name)

    # The admin writes, publishes and attaches the policy.
    admin = _tab(new_page, sign_in_as, admin_email)
    admin.goto("/admin/policies/new")
    admin.get_by_label("Title").fill(POLICY)
    admin.get_by_label("Text (Markdown)").fill("## Rules\n\n- Never post about a patient.\n")
    admin.get_by_label("Effective date").fill(today.isoformat())
    admin.get_by_role("button", name="Save draft").click()
    expect(admin.get_by_role("heading", name="Draft: version 1")).to_be_visible()
    admin.get_by_role("button", name="Publish version 1").click()
    expect(admin.get_by_text("Version 1 published.")).to_be_visible()
    admin.get_by_label(TITLE, exact=True).check()
    admin.get_by_role("button", name="Save modules").click()
    expect(admin.get_by_text("Modules saved.")).to_be_visible()
    policy_url = admin.url

    # The learner completes the module: lessons, quiz, exercise; the policy is the last step.
    learner = _tab(new_page, sign_in_as, learner_email)
    learner.goto(f"/modules/{SLUG}")
    lessons = learner.locator("ol.steps a").evaluate_all("links => links.map(a => a.href)")
    for href in lessons:
        learner.goto(href)
    learner.goto(f"/modules/{SLUG}/quiz")
    learner.get_by_role("button", name="Start the quiz").click()
    for number, question in enumerate(_quiz_questions(live_server, learner_id), start=1):
        group = learner.get_by_role("group", name=re.compile(rf"^Question {number}\. "))
        for choice in question["choices"]:
            if choice["correct"]:
                group.get_by_label(choice["text"], exact=True).check()
    learner.get_by_role("button", name="Submit answers").click()
    expect(learner.get_by_role("heading", level=1)).to_have_text("Quiz result: 100%")
    learner.get_by_role("link", name=re.compile(r"^Next: ")).click()
    learner.locator('[name="message"]').fill(MODEL_ANSWERS["invite-a-mentor"]["message"])
    learner.get_by_role("button", name="Check my answer").click()
    expect(learner.get_by_role("status").filter(has_text="Passed.")).to_be_visible()
    assert _progress(live_server, learner_id) is ProgressStatus.IN_PROGRESS

    learner.goto(f"/modules/{SLUG}")
    learner.get_by_role("link", name="Read and sign the policy").click()
    expect(learner.get_by_role("heading", level=1)).to_have_text(POLICY)
    _sign(learner, learner_name, password="not-my-password")
    expect(learner.locator("#password-error")).to_contain_text("That is not your password.")
    _sign(learner, "Somebody Else")
    expect(learner.locator("#full_name-error")).to_contain_text("Type your full name exactly")
    _sign(learner, learner_name)
    expect(learner.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(learner.get_by_text("That completed the module.")).to_be_visible()
    assert _progress(live_server, learner_id) is ProgressStatus.COMPLETED

    # The admin publishes version 2 and asks everyone to sign again.
    admin.goto(policy_url)
    admin.get_by_role("button", name="Start version 2").click()
    admin.get_by_label("Text (Markdown)").fill(
        "## Rules\n\n- Never post about a patient.\n- Never photograph a patient.\n"
    )
    admin.get_by_label("Summary of changes").fill("A rule on photographs.")
    admin.get_by_role("button", name="Save draft").click()
    admin.get_by_label("Ask everyone who signed an earlier version to sign this one").check()
    admin.get_by_label("Sign again by").fill((today + timedelta(days=7)).isoformat())
    admin.get_by_label("Why they must sign again").fill("Photographs of patients are banned.")
    admin.get_by_role("button", name="Publish version 2").click()
    expect(admin.get_by_text("Version 2 published.")).to_be_visible()
    asked = _db(
        live_server,
        lambda: db.session.scalars(
            select(OutboxMessage.kind).where(OutboxMessage.user_id == learner_id)
        ).all(),
    )
    assert "policy_resign" in asked

    # The learner is asked again, reads version 2 and signs it.
    learner.goto("/policies")
    row = learner.get_by_role("row").filter(has_text=POLICY)
    expect(row.get_by_text("Not signed")).to_be_visible()
    expect(row.get_by_text("Photographs of patients are banned.")).to_be_visible()
    row.get_by_role("link", name=re.compile("Read and sign")).click()
    expect(learner.get_by_text("Never photograph a patient.")).to_be_visible()
    _sign(learner, learner_name)
    expect(learner.get_by_text("You signed version 2")).to_be_visible()

    # The manager sees both signatures, on the page and in the CSV.
    manager = _tab(new_page, sign_in_as, manager_email)
    manager.goto("/reports/")
    manager.get_by_role("link", name="Policy signatures").click()
    row = manager.get_by_role("row").filter(has_text=learner_name)
    expect(row.get_by_text("Signed", exact=True)).to_be_visible()
    expect(row.get_by_role("link", name=re.compile(r"^Version 1"))).to_be_visible()
    expect(row.get_by_role("link", name=re.compile(r"^Version 2"))).to_be_visible()
    with manager.expect_download() as download:
        manager.get_by_role("link", name="Download these rows as CSV").click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    (mine,) = [r for r in csv.DictReader(io.StringIO(text)) if r["Learner"] == learner_name]
    assert mine["Status"] == "Signed"
    assert re.fullmatch(
        r"version 1 at [\d-]+ [\d:]+; version 2 at [\d-]+ [\d:]+",
        mine["Signatures (version, UTC time)"],
    )
