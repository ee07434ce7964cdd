"""The learner's pages through the test client: the walk from dashboard to completion."""

import dataclasses
import re

import pytest
from model_answers import MODEL_ANSWERS, form_data
from sqlalchemy import func, select

from course import create_app
from course.extensions import db
from course.models import Module, ModuleProgress, ProgressStatus, QuizAttempt, Role
from course.services import content_io, curriculum

SLUG = "meet-the-experts"  # one exercise: an invitation note


@pytest.fixture
def signed_in(curriculum, client, auth, learner):
    auth.sign_in(learner)
    return learner


def _module(slug=SLUG) -> Module:
    return db.session.scalar(select(Module).where(Module.slug == slug))


def _start_quiz(client, slug=SLUG) -> QuizAttempt:
    assert client.post(f"/modules/{slug}/quiz").status_code == 302
    return db.session.scalar(select(QuizAttempt).order_by(QuizAttempt.id.desc()))


def _answers(attempt, right=True) -> dict:
    form = {}
    for index, question in enumerate(attempt.questions):
        pick = [c["id"] for c in question["choices"] if c["correct"] is right]
        if question["type"] != "multiple" or not right:
            pick = pick[:1]
        form[f"q{index}"] = pick
    return form


@pytest.mark.parametrize("role", list(Role))
def test_every_role_sees_the_dashboard(curriculum, client, auth, make_user, role):
    auth.sign_in(make_user(roles={role}))
    page = client.get("/").get_data(as_text=True)
    assert "Meet the experts" in page or "meet-the-experts" in page
    assert page.count('class="card"') == 10


@pytest.mark.parametrize(
    "url",
    [
        "/",
        f"/modules/{SLUG}",
        f"/modules/{SLUG}/continue",
        f"/modules/{SLUG}/lessons/lesson-1",
        f"/modules/{SLUG}/quiz",
        "/attempts/1",
    ],
)
def test_learner_pages_need_sign_in(curriculum, client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]


@pytest.mark.parametrize(
    "url",
    ["/modules/no-such-module", f"/modules/{SLUG}/lessons/no-such-lesson", "/attempts/999"],
)
def test_unknown_things_get_a_friendly_404(signed_in, client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


def test_lesson_is_sanitized_html_with_previous_and_next(signed_in, client):
    page = client.get(f"/modules/{SLUG}/lessons/lesson-2").get_data(as_text=True)
    assert "<script" not in page.split("</header>")[1]
    assert 'rel="prev"' in page
    assert "Lesson 2 of" in page


def test_reading_lessons_ticks_them_and_continue_moves_on(signed_in, client):
    assert client.get(f"/modules/{SLUG}/continue").headers["Location"].endswith("lesson-1")
    client.get(f"/modules/{SLUG}/lessons/lesson-1")
    client.get(f"/modules/{SLUG}/lessons/lesson-1")  # twice is still one read
    assert client.get(f"/modules/{SLUG}/continue").headers["Location"].endswith("lesson-2")
    page = client.get(f"/modules/{SLUG}").get_data(as_text=True)
    assert "(read)" in page
    row = db.session.get(ModuleProgress, (signed_in.id, _module().id))
    assert (row.status, row.lessons_read) == (ProgressStatus.IN_PROGRESS, 1)


def test_quiz_page_never_reveals_the_answers(signed_in, client):
    attempt = _start_quiz(client)
    page = client.get(f"/modules/{SLUG}/quiz").get_data(as_text=True)
    assert "correct" not in page.lower().replace("correctly", "")
    for question in attempt.questions:
        for choice in question["choices"]:
            assert f'value="{choice["id"]}"' in page


def test_partial_submission_keeps_answers_and_marks_the_rest(signed_in, client):
    attempt = _start_quiz(client)
    answers = _answers(attempt)
    first = {"q0": answers["q0"]}
    response = client.post(f"/modules/{SLUG}/quiz/{attempt.id}", data=first)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert page.count("Choose an answer.") + page.count("Choose at least one answer.") == (
        attempt.question_count - 1
    )
    assert re.search(
        rf'value="{answers["q0"][0]}"[^>]*checked|checked[^>]*value="{answers["q0"][0]}"', page
    )
    db.session.refresh(attempt)
    assert attempt.submitted_at is None


def test_failing_then_passing_completes_the_module(signed_in, client):
    module = _module()
    for lesson in module.published.lessons:
        client.get(f"/modules/{SLUG}/lessons/{lesson.key}")
    for exercise in module.published.exercises:
        path = f"/modules/{SLUG}/exercises/{exercise.key}"
        assert client.post(path, data=form_data(MODEL_ANSWERS[exercise.key])).status_code == 200

    failed = _start_quiz(client)
    response = client.post(f"/modules/{SLUG}/quiz/{failed.id}", data=_answers(failed, right=False))
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Not passed yet" in page
    assert "Why:" in page
    assert "Retake the quiz" in page

    passed = _start_quiz(client)
    assert passed.id != failed.id
    response = client.post(f"/modules/{SLUG}/quiz/{passed.id}", data=_answers(passed))
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Passed." in page
    assert "Module complete" in page
    assert "Up next" in page

    row = db.session.get(ModuleProgress, (signed_in.id, module.id))
    assert row.status is ProgressStatus.COMPLETED
    assert row.best_score == 100
    module_page = client.get(f"/modules/{SLUG}").get_data(as_text=True)
    assert "You completed this module" in module_page
    assert module_page.count("Review") >= 2  # both attempts in the history


def test_a_double_submission_records_one_attempt(signed_in, client):
    attempt = _start_quiz(client)
    data = _answers(attempt)
    first = client.post(f"/modules/{SLUG}/quiz/{attempt.id}", data=data)
    second = client.post(f"/modules/{SLUG}/quiz/{attempt.id}", data=data)
    assert first.headers["Location"] == second.headers["Location"]
    submitted = db.session.scalar(
        select(func.count()).select_from(QuizAttempt).where(QuizAttempt.submitted_at.is_not(None))
    )
    assert submitted == 1


def test_starting_twice_resumes_the_open_attempt(signed_in, client):
    first = _start_quiz(client)
    second = _start_quiz(client)
    assert first.id == second.id


def test_another_learners_attempt_is_not_found(signed_in, client, auth, make_user):
    attempt = _start_quiz(client)
    client.post(f"/modules/{SLUG}/quiz/{attempt.id}", data=_answers(attempt))
    auth.sign_out()
    auth.sign_in(make_user())
    assert client.get(f"/attempts/{attempt.id}").status_code == 404
    assert client.post(f"/modules/{SLUG}/quiz/{attempt.id}", data={}).status_code == 404


def test_progress_survives_a_new_app(signed_in, client, app):
    client.get(f"/modules/{SLUG}/lessons/lesson-1")
    user_id, module_id = signed_in.id, _module().id
    db.session.remove()  # as the end of a real request does

    fresh = create_app(dict(app.config))
    with fresh.app_context():
        row = db.session.get(ModuleProgress, (user_id, module_id))
        lessons_read = row.lessons_read
        db.session.remove()
        db.engine.dispose()
    assert lessons_read == 1


def test_a_reloaded_lesson_is_shown_changed_at_once(signed_in, client):
    """Lesson text is cached per process; a version the loader publishes must still show."""
    assert "Freshly rewritten" not in client.get(f"/modules/{SLUG}/lessons/lesson-1").text
    spec = next(
        content_io.parse_module(path.read_text(encoding="utf-8"), path.name)
        for path in content_io.CURRICULUM_DIR.glob(f"*-{SLUG}.md")
    )
    first = dataclasses.replace(spec.lessons[0], markdown="Freshly rewritten.")
    assert (
        curriculum.load(dataclasses.replace(spec, lessons=[first, *spec.lessons[1:]]))[0]
        == "updated"
    )
    db.session.commit()
    assert "Freshly rewritten" in client.get(f"/modules/{SLUG}/lessons/lesson-1").text


def _picks_saved(client, attempt, picks: dict):
    return client.post(f"/modules/{SLUG}/quiz/{attempt.id}/picks", data=picks)


def test_picks_are_kept_with_the_attempt_and_shown_after_signing_in_again(signed_in, client, app):
    attempt = _start_quiz(client)
    first = attempt.questions[0]
    pick = first["choices"][1]["id"]
    assert _picks_saved(client, attempt, {"q0": pick}).status_code == 204
    db.session.expire_all()
    assert db.session.get(QuizAttempt, attempt.id).answers == {first["key"]: [pick]}

    # The session is lost (browser closed, password reset): a new browser signs in again.
    other = app.test_client()
    assert (
        other.post(
            "/sign-in", data={"email": signed_in.email, "password": "correct-horse-battery"}
        ).status_code
        == 302
    )
    page = other.get(f"/modules/{SLUG}/quiz").get_data(as_text=True)
    checked = re.findall(
        r'<input[^>]*checked[^>]*value="([^"]+)"|<input[^>]*value="([^"]+)"[^>]*checked', page
    )
    assert [a or b for a, b in checked] == [pick]


def test_picks_are_refused_once_submitted_and_for_someone_elses_attempt(
    signed_in, client, auth, make_user
):
    attempt = _start_quiz(client)
    client.post(f"/modules/{SLUG}/quiz/{attempt.id}", data=_answers(attempt))
    assert _picks_saved(client, attempt, {"q0": "1"}).status_code == 409
    other = _start_quiz(client)
    auth.sign_out()
    auth.sign_in(make_user())
    assert _picks_saved(client, other, {"q0": "1"}).status_code == 404


def test_a_quiz_sent_after_the_session_ended_says_what_is_true(signed_in, client, app):
    app.config["WTF_CSRF_ENABLED"] = True
    quiz_page = f"http://localhost/modules/{SLUG}/quiz"
    stranger = app.test_client()  # no session: the quiz page was open when it ended
    response = stranger.post(
        f"/modules/{SLUG}/quiz/1", data={"q0": "1"}, headers={"Referer": quiz_page}
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/sign-in?next=/modules/{SLUG}/quiz")
    page = stranger.get(response.headers["Location"]).get_data(as_text=True)
    assert "was not accepted" in page
    assert "not lost" not in page
