"""Remove and Discard ask first (without JavaScript) and name what went by title; a module is
archived and restored; a trainer tries an exercise in the preview, and nothing is recorded."""

from datetime import timedelta
from html import unescape

import pytest
from sqlalchemy import func, select

from course.extensions import db
from course.models import AuditEvent, Certificate, ExerciseSubmission, LessonRead, Role
from course.services import assignments, catalog, clock, progress, reports
from course.services.scope import scope_for

from .conftest import module

BASE = "/studio/modules/share-information"


def _text(response) -> str:
    return unescape(response.get_data(as_text=True))


def test_remove_is_a_link_to_a_page_that_asks_and_names_the_item(share_information, as_trainer):
    lesson = share_information.published.lessons[0]
    page = _text(as_trainer.get(BASE))
    assert f'href="{BASE}/lessons/{lesson.key}/delete"' in page  # a link: no POST from the list
    assert "Move up" in page

    confirm = as_trainer.get(f"{BASE}/lessons/{lesson.key}/delete")
    assert confirm.status_code == 200
    text = _text(confirm)
    assert f"Remove the lesson “{lesson.title}”?" in text
    assert f'action="{BASE}/lessons/{lesson.key}/delete"' in text
    assert module("share-information").draft is None  # asking changed nothing

    done = as_trainer.post(f"{BASE}/lessons/{lesson.key}/delete", follow_redirects=True)
    text = _text(done)
    assert f"Removed the lesson “{lesson.title}” from the draft." in text
    assert lesson.key not in [x.key for x in module("share-information").draft.lessons]
    # The draft's changes and the history speak in titles; keys follow in small print.
    assert f'{lesson.title} <span class="key">{lesson.key}</span>' in text
    line = db.session.scalar(select(AuditEvent.summary).order_by(AuditEvent.id.desc()))
    assert line == f"removed lesson '{lesson.title}' ({lesson.key})"


def test_discard_asks_first_and_says_what_was_discarded(share_information, trainer, as_trainer):
    key = share_information.published.questions[0].key
    as_trainer.post(f"{BASE}/questions/{key}/delete")
    confirm = _text(as_trainer.get(f"{BASE}/discard"))
    assert "Discard draft 2 of “Share information”?" in confirm
    assert "Removed questions" in confirm
    assert module("share-information").draft is not None

    done = _text(as_trainer.post(f"{BASE}/discard", follow_redirects=True))
    assert "Draft 2 of “Share information” discarded" in done
    assert module("share-information").draft is None


def test_archiving_hides_the_module_and_keeps_everything(
    share_information, trainer, as_trainer, make_user, browser_of
):
    learner = make_user(roles={Role.LEARNER})
    current = catalog.published_module("share-information")
    for lesson in current.published.lessons:
        progress.record_lesson_read(learner.id, current, lesson)
    db.session.commit()
    nurse = browser_of(learner)
    assert "Share information" in nurse.get("/").get_data(as_text=True)

    confirm = _text(as_trainer.get(f"{BASE}/archive"))
    assert "Archive “Share information”?" in confirm
    assert "Nothing is deleted" in confirm
    done = _text(as_trainer.post(f"{BASE}/archive", follow_redirects=True))
    assert "“Share information” is archived" in done
    assert "Restore the module" in done
    assert module("share-information").archived_at is not None
    assert "Archived" in _text(as_trainer.get("/studio/"))

    assert "Share information" not in nurse.get("/").get_data(as_text=True)
    assert nurse.get("/modules/share-information").status_code == 404
    assert nurse.get("/modules/share-information/lessons/lesson-1").status_code == 404
    assert catalog.published_module("share-information") is None
    # What was recorded stays.
    reads = select(func.count()).select_from(LessonRead).where(LessonRead.user_id == learner.id)
    assert db.session.scalar(reads) == len(current.published.lessons)
    assert db.session.scalar(select(func.count()).select_from(Certificate)) == 0
    actions = db.session.scalars(select(AuditEvent.action)).all()
    assert "module.archive" in actions

    as_trainer.post(f"{BASE}/restore")
    assert module("share-information").archived_at is None
    assert "Share information" in nurse.get("/").get_data(as_text=True)
    assert "module.restore" in db.session.scalars(select(AuditEvent.action)).all()


def test_an_archived_module_cannot_be_assigned(share_information, as_trainer, make_user):
    as_trainer.post(f"{BASE}/archive")
    manager = make_user(roles={Role.MANAGER})
    scope = scope_for(manager)
    assert share_information.id not in dict(reports.module_titles(assignable=True))
    assert share_information.id in dict(reports.module_titles())  # the report keeps it
    tomorrow = clock.today() + timedelta(days=1)
    with pytest.raises(assignments.AssignmentError, match="archived"):
        assignments.assign(manager.id, scope, [share_information.id], tomorrow, user_ids=[1])


def test_a_trainer_tries_an_exercise_in_the_preview_and_nothing_is_recorded(
    share_information, as_trainer
):
    key = share_information.published.exercises[0].key
    url = f"{BASE}/preview/exercises/{key}"
    assert f'href="{url}"' in as_trainer.get(f"{BASE}/preview").get_data(as_text=True)
    page = _text(as_trainer.get(url))
    assert 'name="text"' in page
    assert "Nothing you do here is recorded" in page

    leak = "John Smith in bed 4 had his flu shot today https://www.cdc.gov/flu #Flu"
    response = as_trainer.post(url, data={"text": leak})
    text = _text(response)
    assert response.status_code == 200
    assert "Not yet." in text
    assert "Add the hashtag #FluSeason" in text
    assert db.session.scalar(select(func.count()).select_from(ExerciseSubmission)) == 0
