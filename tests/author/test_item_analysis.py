"""Item analysis on a hand-computed example, and a fixed number of queries."""

import math

import pytest

from course.extensions import db
from course.models import AttemptState, ExerciseSubmission, QuizAttempt
from course.services import authoring, item_analysis


def question(key, right, wrong):
    choices = [{"id": right, "text": right.upper(), "correct": True, "feedback": ""}]
    choices += [{"id": w, "text": w.upper(), "correct": False, "feedback": ""} for w in wrong]
    return {"key": key, "type": "single", "prompt": f"Prompt {key}", "explanation": "",
            "choices": choices}  # fmt: skip


QUESTIONS = [question("q1", "a", ["b", "c"]), question("q2", "x", ["y"]),
             question("q3", "m", ["n"])]  # fmt: skip
#: Marks per attempt (q1, q2, q3): 111, 110, 100, 001.
ANSWERS = [
    {"q1": ["a"], "q2": ["x"], "q3": ["m"]},
    {"q1": ["a"], "q2": ["x"], "q3": ["n"]},
    {"q1": ["a"], "q2": ["y"], "q3": ["n"]},
    {"q1": ["b"], "q2": ["y"], "q3": ["m"]},
]


def add_attempts(module_id, user_id, answers_list):
    for answers in answers_list:
        db.session.add(
            QuizAttempt(
                user_id=user_id,
                module_id=module_id,
                revision_number=1,
                state=AttemptState.SUBMITTED,
                questions=QUESTIONS,
                answers=answers,
                question_count=3,
                pass_mark=80,
            )  # fmt: skip
        )
    db.session.commit()


def add_submission(module_id, user_id, findings):
    db.session.add(
        ExerciseSubmission(
            user_id=user_id,
            module_id=module_id,
            exercise_key="page",
            revision_number=1,
            kind="page_setup",
            exercise={},
            answer={},
            findings=findings,
            passed=not findings,
        )  # fmt: skip
    )


@pytest.fixture
def module(app, trainer):
    return authoring.create_module(trainer.id, "stats", "Stats")


def test_hand_computed_example(module, learner):
    add_attempts(module.id, learner.id, ANSWERS)
    username = {"code": "username_invalid", "field": "username", "message": "Bad username.",
                "severity": "error"}  # fmt: skip
    phone = {"code": "phone_invalid", "field": "phone", "message": "Bad phone.",
             "severity": "error"}  # fmt: skip
    add_submission(module.id, learner.id, [username, username])  # counted once
    add_submission(module.id, learner.id, [username, phone])
    add_submission(module.id, learner.id, [])
    db.session.commit()

    analysis = item_analysis.analyse(module.id)
    assert analysis.attempts == 4
    q1, q2, q3 = analysis.questions
    assert [q.key for q in analysis.questions] == ["q1", "q2", "q3"]
    assert [q.attempts for q in analysis.questions] == [4, 4, 4]
    assert (q1.facility, q2.facility, q3.facility) == (0.75, 0.5, 0.5)
    # Rest-of-test scores (share of the two other questions right): q1 1, .5, 0, .5 -> r = 0;
    # q2 1, .5, .5, .5 -> r = .25 / sqrt(.1875) = 1/sqrt(3); q3 1, 1, .5, 0 -> -.25/sqrt(.6875).
    assert q1.discrimination == pytest.approx(0.0)
    assert q2.discrimination == pytest.approx(1 / math.sqrt(3))
    assert q3.discrimination == pytest.approx(-0.25 / math.sqrt(0.6875))
    assert (q1.wrong_answer, q1.wrong_answer_count) == ("B", 1)
    assert (q2.wrong_answer, q2.wrong_answer_count) == ("Y", 2)
    assert q3.flags == ["negative discrimination"]
    assert q1.flags == q2.flags == []

    (page,) = analysis.exercises
    assert (page.submissions, page.passed) == (3, 1)
    assert [(f.code, f.submissions) for f in page.findings] == [
        ("username_invalid", 2),
        ("phone_invalid", 1),
    ]
    assert page.findings[0].share == pytest.approx(2 / 3)
    assert [(f.description, f.field_label) for f in page.findings] == [
        ("Username invalid", "Username"),
        ("The phone number does not work in the exercise's country", "Phone"),
    ]


def test_flags_and_pearson_edges():
    easy = item_analysis.QuestionStats("k", "p", 10, 0.95, None, None, 0)
    hard = item_analysis.QuestionStats("k", "p", 10, 0.2, 0.3, None, 0)
    assert easy.flags == ["too easy"]
    assert hard.flags == ["too hard"]
    assert item_analysis.pearson([1, 1, 1], [0, 1, 0.5]) is None
    assert item_analysis.pearson([1], [1]) is None
    assert item_analysis.pearson([0, 1], [0, 1]) == pytest.approx(1.0)


@pytest.mark.parametrize("copies", [1, 25])
def test_a_fixed_number_of_queries(module, learner, count_queries, copies):
    add_attempts(module.id, learner.id, ANSWERS * copies)
    for _ in range(copies):
        add_submission(module.id, learner.id, [])
    db.session.commit()
    module_id = module.id
    with count_queries() as queries:
        analysis = item_analysis.analyse(module_id)
    assert analysis.attempts == 4 * copies
    assert len(queries) == 2


def test_the_page_has_a_legend_and_the_numbers(module, learner, as_trainer):
    add_attempts(module.id, learner.id, ANSWERS)
    page = as_trainer.get("/studio/modules/stats/analysis").get_data(as_text=True)
    assert "correlation between the question" in page
    assert "0.75" in page
    assert "-0.30" in page
    assert "negative discrimination" in page


LEAKS = [
    ("phi_name", "text", "In your post: This looks like a patient's name: 'Joan Okafor'."),
    ("phi_phone", "mentions[2].reply", "This looks like a phone number: '(202) 555-0143'."),
    ("role_not_in_headline", "headline", "Mention your role ('Night Nurse Joan') in it."),
]


def test_findings_are_described_by_code_and_field_never_by_the_learners_words(
    module, learner, as_trainer
):
    for code, field, message in LEAKS:
        add_submission(module.id, learner.id, [
            {"code": code, "field": field, "message": message, "severity": "error"}
        ])  # fmt: skip
    db.session.commit()
    (stats,) = item_analysis.analyse(module.id).exercises
    assert {f.description for f in stats.findings} == {
        "Looks like patient information: a patient's name",
        "Looks like patient information: a phone number",
        "The headline did not name the role",
    }
    page = as_trainer.get("/studio/modules/stats/analysis").get_data(as_text=True)
    for secret in ("Joan", "Okafor", "555-0143", "Night Nurse"):
        assert secret not in page, f"the trainer's page shows {secret!r}"
    assert "Looks like patient information: a patient&#39;s name" in page
    assert "Looks like patient information: a phone number" in page
    assert "The headline did not name the role" in page


def test_a_triage_finding_names_the_mention_it_is_about(module, learner):
    feed = {"mentions": ["spam", "own_diagnosis", "rumour"]}
    db.session.add(
        ExerciseSubmission(
            user_id=learner.id,
            module_id=module.id,
            exercise_key="feed",
            revision_number=1,
            kind="monitoring_triage",
            exercise={"params": feed},
            answer={},
            passed=False,
            findings=[
                {
                    "code": "triage_wrong_action",
                    "field": "mentions[1].action",
                    "message": "'Reply publicly' does not fit here.",
                    "severity": "error",
                }
            ],
        )  # fmt: skip
    )
    db.session.commit()
    (stats,) = item_analysis.analyse(module.id, {"feed": feed}).exercises
    (finding,) = stats.findings
    assert finding.description == "An action that does not fit the mention"
    assert finding.field_label == (
        "Mention 2 of 3 (A patient sharing their own diagnosis): What do you do?"
    )
