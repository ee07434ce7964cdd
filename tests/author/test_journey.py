"""A trainer's whole round, through the test client: write, preview, publish, take, edit,
republish with retraining, export, import GIFT, read the item analysis."""

import io

from sqlalchemy import func, select

from course.extensions import db
from course.models import (
    AuditEvent,
    Certificate,
    ExerciseSubmission,
    LessonRead,
    ModuleProgress,
    ProgressStatus,
    QuizAttempt,
    RevisionState,
)
from course.services import content_io

from .conftest import module, right_answers

SLUG = "patient-privacy-online"
GOOD_POST = (
    "Protect patient privacy online: never share a photo or story that could identify a "
    "patient. #PrivacyMatters"
)

QUESTIONS = [
    ("single", "Which post is safe to share?", [("A ward photo with a name", False),
                                                ("A general flu tip", True)]),
    ("multiple", "Which details identify a patient?", [("Name", True), ("Room number", True),
                                                       ("The weather", False)]),
    ("true_false", "A blurred face is always anonymous.", [("True", False), ("False", True)]),
    ("single", "Who may approve a patient story?", [("The patient, in writing", True),
                                                    ("Any colleague", False)]),
    ("single", "Where do you report a leak?", [("The privacy officer", True),
                                               ("Nowhere", False)]),
]  # fmt: skip


def question_data(kind, prompt, choices, explanation="Because privacy comes first."):
    data = {"type": kind, "prompt": prompt, "explanation": explanation}
    for index, (text, correct) in enumerate(choices):
        data[f"choices-{index}-text"] = text
        if correct:
            data[f"choices-{index}-correct"] = "y"
    return data


def write_module(client):
    response = client.post(
        "/studio/modules/new",
        data={"title": "Patient privacy online", "slug": SLUG, "summary": "Keep it private."},
    )
    assert response.status_code == 302
    for title, body in (
        ("Why privacy matters", "## Trust\n\nPatients **trust** us with their stories."),
        ("What counts as identifying", "- names\n- dates\n- photos"),
    ):
        response = client.post(
            f"/studio/modules/{SLUG}/lessons/new", data={"title": title, "body": body}
        )
        assert response.status_code == 302, response.text
    for kind, prompt, choices in QUESTIONS:
        response = client.post(
            f"/studio/modules/{SLUG}/questions/new", data=question_data(kind, prompt, choices)
        )
        assert response.status_code == 302, response.text
    response = client.post(
        f"/studio/modules/{SLUG}/exercises/new",
        data={
            "kind": "post",
            "title": "Write a privacy reminder",
            "instructions": "Remind colleagues to keep patients anonymous.",
            "settings-platform": "x",
            "settings-min_hashtags": "1",
            "settings-max_hashtags": "3",
            "settings-required_hashtags": "PrivacyMatters",
            "settings-organisation_domain": "example.org",
        },
    )
    assert response.status_code == 302, response.text


def take_module(client, auth, learner):
    auth.sign_in(learner)
    revision = module(SLUG).published
    for lesson in revision.lessons:
        assert client.get(f"/modules/{SLUG}/lessons/{lesson.key}").status_code == 200
    client.post(f"/modules/{SLUG}/quiz")
    attempt = db.session.scalars(select(QuizAttempt).where(QuizAttempt.user_id == learner.id)).one()
    response = client.post(f"/modules/{SLUG}/quiz/{attempt.id}", data=right_answers(attempt))
    assert response.status_code == 302
    key = revision.exercises[0].key
    response = client.post(f"/modules/{SLUG}/exercises/{key}", data={"text": GOOD_POST})
    assert response.status_code == 200, response.text
    auth.sign_out()
    return attempt.id


def test_the_whole_journey(app, client, auth, trainer, learner):
    auth.sign_in(trainer)
    write_module(client)
    draft = module(SLUG).draft
    assert (len(draft.lessons), len(draft.questions), len(draft.exercises)) == (2, 5, 1)
    assert module(SLUG).published is None

    # Learners cannot see a draft.
    auth.sign_out()
    auth.sign_in(learner)
    assert client.get(f"/modules/{SLUG}").status_code == 404
    auth.sign_out()

    # Preview as a learner records nothing.
    auth.sign_in(trainer)
    assert b"Preview" in client.get(f"/studio/modules/{SLUG}/preview").data
    lesson_key = draft.lessons[0].key
    page = client.get(f"/studio/modules/{SLUG}/lessons/{lesson_key}/preview")
    assert b"<strong>trust</strong>" in page.data
    quiz_page = client.get(f"/studio/modules/{SLUG}/preview/quiz")
    assert quiz_page.status_code == 200
    graded = client.post(f"/studio/modules/{SLUG}/preview/quiz", data={})
    assert b"Not passed: 0%" in graded.data
    assert db.session.scalar(select(func.count()).select_from(LessonRead)) == 0
    assert db.session.scalar(select(func.count()).select_from(QuizAttempt)) == 0
    assert db.session.scalar(select(func.count()).select_from(ModuleProgress)) == 0

    response = client.post(
        f"/studio/modules/{SLUG}/publish", data={"change_summary": "First version"}
    )
    assert response.status_code == 302
    published = module(SLUG).published
    assert (published.number, published.state) == (1, RevisionState.PUBLISHED)
    assert module(SLUG).draft is None
    auth.sign_out()

    attempt_id = take_module(client, auth, learner)
    progress = db.session.get(ModuleProgress, (learner.id, module(SLUG).id))
    assert progress.status is ProgressStatus.COMPLETED
    attempt_before = db.session.get(QuizAttempt, attempt_id)
    snapshot = (attempt_before.questions, attempt_before.answers, attempt_before.score)
    certificates = db.session.scalar(select(func.count()).select_from(Certificate))
    submissions = db.session.scalars(select(ExerciseSubmission.findings)).all()

    # The trainer edits a question and republishes, requiring retraining.
    auth.sign_in(trainer)
    question_key = published.questions[0].key
    edited = question_data(
        "single",
        "Which post is safe to share publicly?",
        [("A ward photo with a name", False), ("A general flu tip", True), ("A chart", False)],
    )
    assert (
        client.post(f"/studio/modules/{SLUG}/questions/{question_key}", data=edited).status_code
        == 302
    )
    assert module(SLUG).published.questions[0].prompt == "Which post is safe to share?"
    response = client.post(
        f"/studio/modules/{SLUG}/publish",
        data={
            "change_summary": "Clearer first question",
            "requires_retraining": "y",
            "reason": "The privacy rules changed in 2026.",
        },
    )
    assert response.status_code == 302
    current = module(SLUG)
    assert current.published.number == 2
    assert current.retrain_since == 2
    line = db.session.scalars(
        select(AuditEvent.summary)
        .where(AuditEvent.action == "module.publish")
        .order_by(AuditEvent.id.desc())
    ).first()
    assert f"changed questions: 'Which post is safe to share publicly?' ({question_key})" in line
    assert "(1 completion ended)" in line
    assert "requires retraining" in line

    # The learner's evidence is untouched; the module is open again, with the reason.
    db.session.expire_all()
    attempt_after = db.session.get(QuizAttempt, attempt_id)
    assert (attempt_after.questions, attempt_after.answers, attempt_after.score) == snapshot
    assert db.session.scalar(select(func.count()).select_from(Certificate)) == certificates
    assert db.session.scalars(select(ExerciseSubmission.findings)).all() == submissions
    progress = db.session.get(ModuleProgress, (learner.id, current.id))
    assert progress.status is ProgressStatus.NOT_STARTED  # nothing counts yet: one state
    assert progress.completed_at is None
    assert progress.reopened_reason == "The privacy rules changed in 2026."
    auth.sign_out()
    auth.sign_in(learner)
    assert b"The privacy rules changed in 2026." in client.get("/").data
    auth.sign_out()

    # Export gives the module file; importing GIFT questions lands in a new draft.
    auth.sign_in(trainer)
    exported = client.get(f"/studio/modules/{SLUG}/export")
    assert exported.status_code == 200
    spec = content_io.parse_module(exported.get_data(as_text=True))
    assert spec == content_io.spec_from_revision(current, current.published)
    gift = (
        b"::Consent:: Photos need written consent. {T}\n\n::Leaks:: Report to {=privacy ~nobody}\n"
    )
    response = client.post(
        f"/studio/modules/{SLUG}/import-gift",
        data={"file": (io.BytesIO(gift), "bank.txt")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, response.text
    assert len(module(SLUG).draft.questions) == 7

    analysis = client.get(f"/studio/modules/{SLUG}/analysis")
    assert analysis.status_code == 200
    assert b"Facility" in analysis.data
    assert b"1 submitted quiz attempt" in analysis.data
