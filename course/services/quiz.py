"""Quizzes: drawing an attempt, grading it on the server, recording it once."""

import random
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import defer
from sqlalchemy.orm.attributes import set_committed_value

from ..extensions import db
from ..models import AttemptState, Module, QuestionType, QuizAttempt
from ..models.progress import ChoiceRecord, QuestionRecord
from ..models.types import utcnow

_system_random = random.SystemRandom()


@dataclass(frozen=True)
class QuestionResult:
    """One question graded: right or not, the choice ids picked and the right ones."""

    key: str
    correct: bool
    chosen: list[str]
    right: list[str]


@dataclass(frozen=True)
class Grade:
    """A graded attempt: right answers out of the total, the score in percent, pass or not."""

    correct: int
    total: int
    score: int
    passed: bool
    questions: list[QuestionResult]

    @property
    def by_key(self) -> dict[str, QuestionResult]:
        """Each question's result by its key, as the review pages look them up."""
        return {result.key: result for result in self.questions}


def draw_questions(revision, rng: random.Random = _system_random) -> list[QuestionRecord]:
    """The questions of one attempt.

    A fresh subset when the quiz is smaller than the bank, in the trainer's order, with choices
    shuffled (true/false keeps its order).
    """
    bank = list(revision.questions)
    size = revision.quiz_size or len(bank)
    if size < len(bank):
        picked = set(rng.sample(range(len(bank)), size))
        bank = [q for i, q in enumerate(bank) if i in picked]
    drawn = []
    for question in bank:
        choices = [
            ChoiceRecord(id=str(c.id), text=c.text, correct=c.is_correct, feedback=c.feedback)
            for c in question.choices
        ]
        if question.type is not QuestionType.TRUE_FALSE:
            rng.shuffle(choices)
        drawn.append(
            QuestionRecord(
                key=question.key,
                type=question.type.value,
                prompt=question.prompt,
                explanation=question.explanation,
                choices=choices,
            )
        )
    return drawn


def grade(questions: list[QuestionRecord], answers: dict[str, list[str]], pass_mark: int) -> Grade:
    """All-or-nothing per question: a multiple-answer question needs exactly the right set."""
    results = []
    for question in questions:
        right = sorted(c["id"] for c in question["choices"] if c["correct"])
        chosen = sorted(answers.get(question["key"], []))
        results.append(QuestionResult(question["key"], chosen == right, chosen, right))
    correct = sum(r.correct for r in results)
    total = len(results)
    return Grade(
        correct=correct,
        total=total,
        score=(100 * correct) // total if total else 0,
        passed=total > 0 and correct * 100 >= pass_mark * total,
        questions=results,
    )


def unanswered(questions: list[QuestionRecord], answers: dict[str, list[str]]) -> list[str]:
    """Keys of the questions with no valid choice picked."""
    missing = []
    for question in questions:
        valid = {c["id"] for c in question["choices"]}
        picked = [a for a in answers.get(question["key"], []) if a in valid]
        if not picked:
            missing.append(question["key"])
    return missing


def clean_answers(
    questions: list[QuestionRecord], submitted: dict[str, list[str]]
) -> dict[str, list[str]]:
    """Keep only choice ids that belong to each question; one for single-answer questions."""
    cleaned = {}
    for question in questions:
        valid = {c["id"] for c in question["choices"]}
        picked = sorted({a for a in submitted.get(question["key"], []) if a in valid})
        if question["type"] != QuestionType.MULTIPLE.value:
            picked = picked[:1]
        if picked:
            cleaned[question["key"]] = picked
    return cleaned


def open_attempt(user_id: int, module_id: int) -> QuizAttempt | None:
    """The learner's newest attempt at the module that is not submitted yet, or None."""
    return db.session.scalar(
        select(QuizAttempt)
        .where(
            QuizAttempt.user_id == user_id,
            QuizAttempt.module_id == module_id,
            QuizAttempt.state == AttemptState.OPEN,
        )
        .order_by(QuizAttempt.id.desc())
        .limit(1)
    )


def start_attempt(user_id: int, module: Module, rng: random.Random = _system_random) -> QuizAttempt:
    """Resume the learner's open attempt at the current revision, or draw a new one."""
    revision = module.published
    attempt = open_attempt(user_id, module.id)
    if attempt and attempt.revision_number == revision.number:
        return attempt
    if attempt:  # drawn from an older revision: close it unscored
        db.session.delete(attempt)
    questions = draw_questions(revision, rng)
    attempt = QuizAttempt(
        user_id=user_id,
        module_id=module.id,
        revision_number=revision.number,
        state=AttemptState.OPEN,
        questions=questions,
        question_count=len(questions),
        pass_mark=revision.pass_mark,
    )
    db.session.add(attempt)
    db.session.flush()
    return attempt


def save_picks(attempt: QuizAttempt, picks: dict[str, list[str]]) -> bool:
    """Keep the learner's picks with their open attempt; False when it was already submitted.

    Saved as they make them, so nothing is lost if their session ends before they submit.

    `picks` are cleaned first (only choices of each question; one for a single answer).
    """
    done = db.session.execute(
        update(QuizAttempt)
        .where(QuizAttempt.id == attempt.id, QuizAttempt.state == AttemptState.OPEN)
        .values(answers=clean_answers(attempt.questions, picks))
        .execution_options(synchronize_session=False)
    )
    return done.rowcount == 1


def submit_attempt(attempt: QuizAttempt, answers: dict[str, list[str]]) -> bool:
    """Grade and record an open attempt; False when it was already submitted.

    One conditional UPDATE, so a double click or two workers record it exactly once.
    """
    result = grade(attempt.questions, answers, attempt.pass_mark)
    values = {
        "state": AttemptState.SUBMITTED,
        "submitted_at": utcnow(),
        "answers": answers,
        "correct_count": result.correct,
        "score": result.score,
        "passed": result.passed,
    }
    done = db.session.execute(
        update(QuizAttempt)
        .where(QuizAttempt.id == attempt.id, QuizAttempt.state == AttemptState.OPEN)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if done.rowcount != 1:  # recorded by another request: read what it recorded
        db.session.refresh(attempt)
        return False
    for name, value in values.items():  # what the row now holds, without reading it back
        set_committed_value(attempt, name, value)
    return True


def attempt_history(user_id: int, module_id: int) -> list[QuizAttempt]:
    """Submitted attempts, newest first, without their snapshots (a list shows only scores)."""
    return list(
        db.session.scalars(
            select(QuizAttempt)
            .options(defer(QuizAttempt.questions), defer(QuizAttempt.answers))
            .where(
                QuizAttempt.user_id == user_id,
                QuizAttempt.module_id == module_id,
                QuizAttempt.state == AttemptState.SUBMITTED,
            )
            .order_by(QuizAttempt.submitted_at.desc())
        )
    )
