"""The editors keep what was typed and say what is wrong; reordering; drafts stay invisible."""

from html import unescape

import pytest

from course.models import Role
from course.services import authoring

from .conftest import module


@pytest.fixture
def draft(app, trainer):
    return authoring.create_module(trainer.id, "editing", "Editing")


def test_a_question_needs_a_correct_choice(draft, as_trainer):
    data = {"type": "single", "prompt": "Which one?", "choices-0-text": "A",
            "choices-1-text": "B"}  # fmt: skip
    response = as_trainer.post("/studio/modules/editing/questions/new", data=data)
    assert response.status_code == 422
    text = unescape(response.get_data(as_text=True))
    assert "Mark at least one choice as correct." in text
    assert "Which one?</textarea>" in text
    assert module("editing").draft.questions == []


def test_true_false_needs_true_and_false(draft, as_trainer):
    data = {"type": "true_false", "prompt": "Sure?", "choices-0-text": "Yes",
            "choices-0-correct": "y", "choices-1-text": "No"}  # fmt: skip
    response = as_trainer.post("/studio/modules/editing/questions/new", data=data)
    assert "exactly the choices True and False" in unescape(response.get_data(as_text=True))


def test_lessons_move_up_and_down(draft, trainer, as_trainer):
    for title in ("One", "Two", "Three"):
        authoring.save_lesson(module("editing"), trainer.id, None, title, "text")
    as_trainer.post("/studio/modules/editing/lessons/three/move/up")
    assert [x.key for x in module("editing").draft.lessons] == ["one", "three", "two"]
    as_trainer.post("/studio/modules/editing/lessons/one/move/up")  # already first
    as_trainer.post("/studio/modules/editing/lessons/one/move/down")
    assert [x.key for x in module("editing").draft.lessons] == ["three", "one", "two"]
    assert [x.position for x in module("editing").draft.lessons] == [0, 1, 2]
    as_trainer.post("/studio/modules/editing/lessons/one/delete")
    assert [x.key for x in module("editing").draft.lessons] == ["three", "two"]


def test_settings_are_checked(draft, as_trainer):
    data = {"title": "Editing", "pass_mark": "120", "estimated_minutes": "10", "position": "1"}
    response = as_trainer.post("/studio/modules/editing", data=data)
    assert response.status_code == 422
    assert "Number must be between 1 and 100" in unescape(response.get_data(as_text=True))
    data |= {"pass_mark": "70", "quiz_size": "3"}
    response = as_trainer.post("/studio/modules/editing", data=data)
    assert "only 0 questions" in unescape(response.get_data(as_text=True))


def test_edits_go_to_a_draft_learners_do_not_see(share_information, trainer, as_trainer):
    page = as_trainer.get("/studio/modules/share-information/lessons/lesson-1")
    assert page.status_code == 200
    data = {"title": "Changed title", "body": "New text"}
    as_trainer.post("/studio/modules/share-information/lessons/lesson-1", data=data)
    current = module("share-information")
    assert current.draft.number == 2
    assert current.published.lessons[0].title != "Changed title"
    assert current.draft.lessons[0].title == "Changed title"
    assert len(current.draft.questions) == len(current.published.questions)
    assert [q.key for q in current.draft.questions] == [q.key for q in current.published.questions]
    assert authoring.changes(current).summary() == "changed lessons: 'Changed title' (lesson-1)"
    as_trainer.post("/studio/modules/share-information/discard")
    assert module("share-information").draft is None


def test_the_list_shows_state_and_who_changed_what(share_information, trainer, as_trainer):
    authoring.save_lesson(module("share-information"), trainer.id, "lesson-1", "T", "x")
    page = as_trainer.get("/studio/").get_data(as_text=True)
    assert "Draft 2" in page
    assert "Published version 1" in page
    assert "changed lesson &#39;T&#39; (lesson-1)" in page
    assert trainer.name in page


def test_publishing_needs_a_reason_for_retraining(share_information, trainer, as_trainer):
    authoring.save_lesson(module("share-information"), trainer.id, "lesson-1", "T", "x")
    response = as_trainer.post(
        "/studio/modules/share-information/publish",
        data={"change_summary": "x", "requires_retraining": "y"},
    )
    assert response.status_code == 422
    assert "Say why learners must retrain." in unescape(response.get_data(as_text=True))
    assert module("share-information").draft is not None


def test_an_admin_can_write_too(app, client, auth, make_user):
    auth.sign_in(make_user(roles={Role.ADMIN}))
    response = client.post("/studio/modules/new", data={"title": "By admin", "slug": "by-admin"})
    assert response.status_code == 302
    assert module("by-admin").draft.title == "By admin"
