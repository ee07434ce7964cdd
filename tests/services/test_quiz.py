"""Grading and drawing, without HTTP."""

import random

import pytest

from course.services import quiz

QUESTIONS = [
    {
        "key": "q1",
        "type": "single",
        "prompt": "One?",
        "explanation": "",
        "choices": [
            {"id": "1", "text": "a", "correct": True, "feedback": ""},
            {"id": "2", "text": "b", "correct": False, "feedback": ""},
        ],
    },
    {
        "key": "q2",
        "type": "multiple",
        "prompt": "Two?",
        "explanation": "",
        "choices": [
            {"id": "3", "text": "a", "correct": True, "feedback": ""},
            {"id": "4", "text": "b", "correct": True, "feedback": ""},
            {"id": "5", "text": "c", "correct": False, "feedback": ""},
        ],
    },
]


@pytest.mark.parametrize(
    ("answers", "correct", "score"),
    [
        ({"q1": ["1"], "q2": ["3", "4"]}, 2, 100),
        ({"q1": ["1"], "q2": ["3"]}, 1, 50),  # a multiple-answer question needs every right choice
        ({"q1": ["1"], "q2": ["3", "4", "5"]}, 1, 50),  # and no wrong one
        ({"q1": ["2"], "q2": ["4", "3"]}, 1, 50),
        ({}, 0, 0),
    ],
)
def test_grade_is_all_or_nothing_per_question(answers, correct, score):
    grade = quiz.grade(QUESTIONS, answers, pass_mark=80)
    assert (grade.correct, grade.total, grade.score) == (correct, 2, score)


@pytest.mark.parametrize(
    ("correct", "total", "pass_mark", "passed"),
    [(4, 5, 80, True), (3, 5, 80, False), (2, 3, 67, False), (2, 3, 66, True), (5, 5, 100, True)],
)
def test_pass_mark_compares_exactly(correct, total, pass_mark, passed):
    questions = [
        {"key": f"q{i}", "type": "single", "choices": [{"id": str(i), "correct": True}]}
        for i in range(total)
    ]
    answers = {f"q{i}": [str(i)] for i in range(correct)}
    assert quiz.grade(questions, answers, pass_mark).passed is passed


def test_clean_answers_keeps_only_valid_choices_and_one_for_single():
    cleaned = quiz.clean_answers(QUESTIONS, {"q1": ["1", "2"], "q2": ["3", "99"], "zz": ["1"]})
    assert cleaned == {"q1": ["1"], "q2": ["3"]}


def test_unanswered_lists_questions_without_a_valid_choice():
    assert quiz.unanswered(QUESTIONS, {"q1": ["99"]}) == ["q1", "q2"]
    assert quiz.unanswered(QUESTIONS, {"q1": ["2"], "q2": ["5"]}) == []


class _Revision:
    def __init__(self, questions, quiz_size):
        self.questions = questions
        self.quiz_size = quiz_size


class _Question:
    def __init__(self, key, type_, choices):
        from course.models import QuestionType

        self.key, self.prompt, self.explanation = key, key, ""
        self.type = QuestionType(type_)
        self.choices = choices


class _Choice:
    def __init__(self, id_, correct=False):
        self.id, self.text, self.is_correct, self.feedback = id_, f"c{id_}", correct, ""


def _bank(size):
    return [
        _Question(f"q{i}", "single", [_Choice(i * 10 + j, j == 0) for j in range(4)])
        for i in range(size)
    ]


def test_draw_takes_a_fresh_subset_in_the_trainers_order():
    revision = _Revision(_bank(8), quiz_size=5)
    draws = {
        tuple(q["key"] for q in quiz.draw_questions(revision, random.Random(s))) for s in range(20)
    }
    assert len(draws) > 1
    for keys in draws:
        assert len(keys) == 5
        assert list(keys) == sorted(keys, key=lambda k: int(k[1:]))


def test_draw_shuffles_choices_but_not_true_false():
    bank = _bank(1) + [_Question("tf", "true_false", [_Choice(900, True), _Choice(901)])]
    orders = set()
    for seed in range(20):
        drawn = quiz.draw_questions(_Revision(bank, None), random.Random(seed))
        orders.add(tuple(c["id"] for c in drawn[0]["choices"]))
        assert [c["text"] for c in drawn[1]["choices"]] == ["c900", "c901"]
    assert len(orders) > 1
