"""The exercise pages: findings next to the fields, answers kept, submissions as evidence."""

import re
from html import escape

import pytest
from model_answers import MODEL_ANSWERS, form_data
from sqlalchemy import func, select

from course import exercises
from course.extensions import db
from course.learn.forms import ANSWER_MAX
from course.models import ExerciseSubmission, Module, ModuleProgress, ProgressStatus

POST = "/modules/hands-on-training/exercises/hashtag-post"
PAGE = "/modules/hands-on-training/exercises/page-setup"
THREAD = "/modules/live-updates/exercises/live-thread"
CRISIS = "/modules/crisis-communication/exercises/crisis-update"

GOOD_PAGE = {
    "name": "Riverside Community Clinic",
    "category": "Medical & Health",
    "username": "riversideclinic",
    "about": "Family medicine, vaccinations and walk-in care for the Riverside community.",
    "website": "https://riverside-clinic.example.org",
    "phone": "+1 202-555-0143",
    "email": "info@riverside-clinic.example.org",
    "address": "12 Riverside Drive, Springfield, IL 62704",
    "hours": "Monday to Friday 8am-6pm; Saturday 9am-1pm",
    "call_to_action": "Book Now",
    "privacy_note": "For your privacy, never post medical details here. Message us privately "
    "or call 202-555-0143. In an emergency call 911.",
}


@pytest.fixture
def signed_in(curriculum, client, auth, learner):
    auth.sign_in(learner)
    return learner


def _submissions() -> int:
    return db.session.scalar(select(func.count()).select_from(ExerciseSubmission))


def test_exercise_page_shows_task_rules_and_what_the_check_cannot_see(signed_in, client):
    page = client.get(POST).get_data(as_text=True)
    assert "The rules your answer is checked against" in page
    assert "What the patient-information check cannot see" in page
    assert 'for="text"' in page  # the answer box has a label


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Get your # FluShot today at our clinic", "because of the space"),
        ("Book your #flu-shot today #FluShot", "#flu-shot"),
        ("Flu shots for everyone, no hashtag here", "Add the hashtag #FluShot"),
        ("Mrs. Garcia, DOB 03/14/1962, got her #FluShot today", "date"),
    ],
)
def test_a_wrong_post_gets_specific_findings_and_keeps_the_text(signed_in, client, text, expected):
    response = client.post(POST, data={"text": text})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Not yet." in page
    assert expected.replace("'", "&#39;") in page
    assert text.replace("'", "&#39;").split(",")[0] in page  # what was typed is still there
    stored = db.session.scalar(select(ExerciseSubmission))
    assert stored.answer == {"text": text}
    assert stored.passed is False
    assert stored.findings


def test_a_page_name_with_official_is_flagged_next_to_the_name(signed_in, client):
    data = GOOD_PAGE | {"name": "Official Riverside Clinic"}
    page = client.post(PAGE, data=data).get_data(as_text=True)
    name_field = page.split('id="name-findings"')[1].split("</ul>")[0]
    assert "fficial" in name_field
    assert 'value="Official Riverside Clinic"' in page


def test_right_answers_pass_and_complete_the_module_with_the_quiz(signed_in, client):
    module = db.session.scalar(select(Module).where(Module.slug == "hands-on-training"))
    for lesson in module.published.lessons:
        client.get(f"/modules/hands-on-training/lessons/{lesson.key}")
    response = client.post(POST, data={"text": "Flu season is here: book your #FluShot today."})
    assert response.status_code == 200
    assert "Passed." in response.get_data(as_text=True)
    response = client.post(PAGE, data=GOOD_PAGE)
    assert "Passed." in response.get_data(as_text=True), response.get_data(as_text=True)
    row = db.session.get(ModuleProgress, (signed_in.id, module.id))
    assert row.exercises_passed == 2
    assert row.status is ProgressStatus.IN_PROGRESS  # the quiz is still to pass


def test_a_live_thread_has_one_box_per_post_and_findings_per_post(signed_in, client):
    page = client.get(THREAD).get_data(as_text=True)
    assert 'for="posts-0"' in page
    assert 'for="posts-2"' in page
    data = {
        "posts-0": "1/3 Our health fair opens at 9am.",
        "posts-1": "2/3 Patient SSN 123-45-6789",
    }
    page = client.post(THREAD, data=data).get_data(as_text=True)
    assert "Not yet." in page
    assert 'id="posts-1-findings"' in page


def test_a_crisis_update_needs_what_where_what_to_do_and_a_source(signed_in, client):
    page = client.post(CRISIS, data={"text": "Something happened."}).get_data(as_text=True)
    assert page.count("finding-error") >= 3


@pytest.mark.parametrize(
    "text",
    [
        "",
        "x" * 200_000,
        "\x00\x01\x02\ufffe junk",
        "Грипп 流感 インフルエンザ #FluShot 💉🤒 الإنفلونزا",
        "🧵" * 500,
    ],
    ids=["empty", "huge", "binary", "mixed-scripts", "emoji"],
)
def test_bad_input_gets_findings_never_a_500(signed_in, client, text):
    response = client.post(POST, data={"text": text})
    assert response.status_code in (200, 422)
    # An answer longer than any platform takes is refused next to its field, not stored.
    assert _submissions() == (0 if len(text) > ANSWER_MAX else 1)


def test_invalid_utf8_bytes_are_answered_not_crashed(signed_in, client):
    body = b"text=%FF%FE%C3%28%00%80+junk"
    response = client.post(POST, data=body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 422
    assert _submissions() == 1


def test_unknown_exercise_is_a_404(signed_in, client):
    assert client.get("/modules/hands-on-training/exercises/nope").status_code == 404
    assert client.post("/modules/hands-on-training/exercises/nope", data={}).status_code == 404


def test_exercise_pages_need_sign_in(curriculum, client):
    response = client.get(POST)
    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]


FORM_TOKEN = re.compile(r'name="form_token"[^>]*value="([^"]+)"')


def test_the_same_form_sent_twice_records_one_submission(signed_in, client):
    token = FORM_TOKEN.search(client.get(POST).get_data(as_text=True)).group(1)
    sent = {"text": "No hashtag in this one", "form_token": token}
    first = client.post(POST, data=sent)
    again = client.post(POST, data=sent)
    assert first.status_code == again.status_code == 422
    assert _submissions() == 1
    assert "Not yet." in again.get_data(as_text=True)  # the recorded result, shown again
    # The page after a send carries a new token: the learner's next try is a new submission.
    fresh = FORM_TOKEN.search(first.get_data(as_text=True)).group(1)
    assert fresh != token
    client.post(POST, data={"text": "Still no hashtag", "form_token": fresh})
    assert _submissions() == 2


def test_a_finding_about_the_whole_thread_is_shown_with_the_posts(signed_in, client):
    data = {
        "posts-0": "Our health fair opens at 9am in the town hall.",
        "posts-1": "Free blood-pressure checks all morning.",
        "posts-2": "More on heart health: https://www.cdc.gov/heartdisease",
    }
    page = client.post(THREAD, data=data).get_data(as_text=True)
    group = page.split('id="posts-findings"')[1].split("</ul>")[0]
    assert "Number your posts" in group


# --- the later kinds: each page renders its form, takes a right and a wrong answer ------
NEW_KIND_PAGES = {
    "review_reply": ("compare-and-improve-care", "review-reply"),
    "facebook_ad": ("hands-on-training", "health-service-ad"),
    "monitoring_triage": ("enhance-your-skills", "monitoring-triage"),
    "training_photo": ("train-medical-personnel", "training-photo"),
    "youtube_listing": ("train-medical-personnel", "training-video-listing"),
    "outreach": ("meet-the-experts", "invite-an-expert"),
}


@pytest.mark.parametrize("kind", sorted(NEW_KIND_PAGES))
def test_a_new_kind_renders_a_labelled_input_for_every_field(signed_in, client, kind):
    slug, key = NEW_KIND_PAGES[kind]
    page = client.get(f"/modules/{slug}/exercises/{key}").get_data(as_text=True)
    for spec in exercises.KINDS[kind].fields_for(exercises.merged_params(kind, None)):
        name = exercises.form_name(spec.name)
        if spec.widget == "radio":  # a fieldset whose legend asks; each option in its label
            group = page.split(f'id="{name}"', 1)[1].split("</fieldset>")[0]
            assert (
                f'<legend class="label">{escape(spec.label).replace("&#x27;", "&#39;")}</legend>'
                in group
            )
            assert f'<label class="choice"><input id="{name}-0" name="{name}"' in group
        else:
            assert f'for="{name}"' in page, name


@pytest.mark.parametrize("kind", sorted(NEW_KIND_PAGES))
def test_a_model_answer_passes_on_the_page(signed_in, client, kind):
    slug, key = NEW_KIND_PAGES[kind]
    response = client.post(f"/modules/{slug}/exercises/{key}", data=form_data(MODEL_ANSWERS[key]))
    assert response.status_code == 200, response.get_data(as_text=True)
    assert "Passed." in response.get_data(as_text=True)
    stored = db.session.scalar(select(ExerciseSubmission))
    assert stored.kind == kind
    assert stored.answer == MODEL_ANSWERS[key]


def test_the_review_is_quoted_above_the_reply_box(signed_in, client):
    page = client.get("/modules/compare-and-improve-care/exercises/review-reply").get_data(
        as_text=True
    )
    review = page.split('<fieldset class="answer-group')[1]
    assert "<blockquote>Waited over an hour past my appointment time" in review
    assert "Jordan P." in review
    assert "Rated 2 of 5 stars" in review
    assert review.index("<blockquote>") < review.index('for="reply"')


def test_a_wrong_triage_shows_each_finding_in_its_mentions_group(signed_in, client):
    answer = {"mentions": [dict(m) for m in MODEL_ANSWERS["monitoring-triage"]["mentions"]]}
    answer["mentions"][1] = {"action": "reply_public", "reply": "Sorry about your wait!"}
    answer["mentions"][5] = {"action": "none", "reply": ""}
    data = form_data(answer)
    del data["mentions-7-action"]  # one left unanswered
    response = client.post("/modules/enhance-your-skills/exercises/monitoring-triage", data=data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    groups = page.split('<fieldset class="answer-group')[1:]
    assert len(groups) == 8
    assert "does not fit here" in groups[1].split('id="mentions-1-action-findings"')[1]
    assert "your wait" in groups[1].split('id="mentions-1-reply-findings"')[1]
    assert "escalate it to your privacy officer" in groups[5]
    assert "Choose what to do with this one." in groups[7]
    assert "finding-error" not in groups[0]
    assert 'value="reply_public" checked' in groups[1] or "checked" in groups[1]
    assert "Sorry about your wait!" in groups[1]  # what was typed is kept


def test_a_wrong_checklist_answer_is_shown_next_to_its_question(signed_in, client):
    data = form_data(MODEL_ANSWERS["training-photo"]) | {"screens": "yes"}
    response = client.post("/modules/train-medical-personnel/exercises/training-photo", data=data)
    assert response.status_code == 422
    findings = response.get_data(as_text=True).split('id="screens-findings"')[1].split("</ul>")[0]
    assert "Retake it without the screen" in findings


def test_more_submissions_a_minute_than_anyone_types_wait_with_429(app, signed_in, client):
    app.config["SUBMISSIONS_PER_MINUTE"] = 3
    for _ in range(3):
        assert client.post(POST, data={"text": "A post #FluShot"}).status_code in (200, 422)
    response = client.post(POST, data={"text": "A post #FluShot"})
    assert response.status_code == 429
    assert 1 <= int(response.headers["Retry-After"]) <= 60
    assert "nothing you wrote was lost" in response.get_data(as_text=True)
    assert _submissions() == 3
    assert client.get(POST).status_code == 200  # reading is never limited
