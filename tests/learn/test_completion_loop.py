"""After every result a next step; where a completion is announced, the certificate."""

import re

import pytest
from model_answers import MODEL_ANSWERS
from sqlalchemy import select

from course.extensions import db
from course.models import Certificate, Module, QuizAttempt
from course.wording import counted

SLUG = "hands-on-training"  # lessons, a quiz and two exercises
POST = f"/modules/{SLUG}/exercises/hashtag-post"
GOOD_POST = (
    "Flu shots at Riverside Clinic this Saturday, 9am to 1pm, for anyone over six months. "
    "Walk in or book at the front desk. #FluShot"
)


@pytest.fixture
def signed_in(curriculum, client, auth, learner):
    auth.sign_in(learner)
    return learner


def _module() -> Module:
    return db.session.scalar(select(Module).where(Module.slug == SLUG))


def _pass_quiz(client) -> str:
    assert client.post(f"/modules/{SLUG}/quiz").status_code == 302
    attempt = db.session.scalar(select(QuizAttempt).order_by(QuizAttempt.id.desc()))
    answers = {
        f"q{i}": [c["id"] for c in q["choices"] if c["correct"]]
        for i, q in enumerate(attempt.questions)
    }
    response = client.post(f"/modules/{SLUG}/quiz/{attempt.id}", data=answers)
    return client.get(response.headers["Location"]).get_data(as_text=True)


def test_counted_agrees_with_its_number():
    assert counted(1, "assignment") == "1 assignment"
    assert counted(0, "assignment") == "0 assignments"
    assert counted(2, "thing") == "2 things"
    assert counted(1200, "person", "people") == "1,200 people"


def test_a_failed_answer_counts_its_faults_in_words(signed_in, client):
    page = client.post(POST, data={"text": GOOD_POST.replace("#FluShot", "#Flu")})
    text = page.get_data(as_text=True)
    assert "1 thing to fix" in text
    assert "thing(s)" not in text
    assert 'action="/modules/hands-on-training/exercises/hashtag-post#verdict"' in text
    assert 'id="verdict"' in text
    assert "data-focus-on-load" in text


def test_every_result_offers_the_next_step_and_the_completion_the_certificate(signed_in, client):
    module = _module()
    for lesson in module.published.lessons:
        client.get(f"/modules/{SLUG}/lessons/{lesson.key}")

    # A passed exercise, the quiz not taken: the next step is the quiz.
    text = client.post(POST, data={"text": GOOD_POST}).get_data(as_text=True)
    assert "Passed." in text
    assert re.search(
        r'<a class="button" href="/modules/hands-on-training/quiz">Next: the quiz', text
    )

    # The quiz passed, one exercise left: the result names it.
    text = _pass_quiz(client)
    assert "Next: Set up a Facebook Page for a community clinic" in text
    assert "Module complete" not in text

    # The next exercise leads to the last one, which completes the module: the panel, with
    # the certificate, on that page.
    text = client.post(
        f"/modules/{SLUG}/exercises/page-setup", data=MODEL_ANSWERS["page-setup"]
    ).get_data(as_text=True)
    assert "Next: Write a Facebook ad for a clinic service" in text
    text = client.post(
        f"/modules/{SLUG}/exercises/health-service-ad", data=MODEL_ANSWERS["health-service-ad"]
    ).get_data(as_text=True)
    code = db.session.scalar(select(Certificate.code).where(Certificate.user_id == signed_in.id))
    assert code
    assert f"Module complete: {module.published.title}" in text
    assert f'href="/certificates/{code}.pdf" download>Download your certificate (PDF)' in text
    assert "Up next:" in text

    # The completed module page offers it too.
    text = client.get(f"/modules/{SLUG}").get_data(as_text=True)
    assert "You completed this module on" in text
    assert f'href="/certificates/{code}.pdf"' in text
