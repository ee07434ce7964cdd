"""Item analysis, after Moodle's quiz statistics: which questions work and which do not.

Per question: attempts, facility (share answered right), discrimination (the Pearson
correlation between the question's score, 0 or 1, and the rest of the test: the share of the
attempt's other questions answered right, as Moodle's discrimination index does) and the most
chosen wrong answer. Per exercise: how often each validator finding turns up, described by
its code and the field's label, never by the message: a message may quote what the learner
typed (a patient's name the PHI check caught), which only that learner may see.

Two queries whatever the number of attempts: one over QuizAttempt, one GROUP BY over
ExerciseSubmission; the per-question arithmetic runs in Python over those rows.
"""

import math
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy import func, select

from .. import exercises
from ..exercises import FindingRecord
from ..extensions import db
from ..models import AttemptState, ExerciseSubmission, QuizAttempt
from ..models.progress import QuestionRecord

TOO_EASY = 0.9
TOO_HARD = 0.3


@dataclass(frozen=True)
class QuestionStats:
    """One question over all submitted attempts: facility, discrimination, commonest wrong pick."""

    key: str
    prompt: str
    attempts: int
    facility: float | None
    discrimination: float | None
    wrong_answer: str | None
    wrong_answer_count: int

    @property
    def flags(self) -> list[str]:
        """What a trainer should look at: too easy, too hard, negative discrimination."""
        flags = []
        if self.facility is not None and self.facility > TOO_EASY:
            flags.append("too easy")
        if self.facility is not None and self.facility < TOO_HARD:
            flags.append("too hard")
        if self.discrimination is not None and self.discrimination < 0:
            flags.append("negative discrimination")
        return flags


@dataclass(frozen=True)
class FindingStats:
    """How many submissions carried a finding.

    `description` says what the code means and `field_label` where, in words that never quote an
    answer.
    """

    code: str
    field: str | None
    description: str
    field_label: str
    submissions: int
    share: float


@dataclass
class ExerciseStats:
    """One exercise over every submission: how many passed and which findings came up."""

    key: str
    submissions: int = 0
    passed: int = 0
    findings: list[FindingStats] = field(default_factory=list)


@dataclass(frozen=True)
class Analysis:
    """A module's item analysis: its quiz questions and its exercises."""

    attempts: int
    questions: list[QuestionStats]
    exercises: list[ExerciseStats]


def pearson(xs: list[float], ys: list[float]) -> float | None:
    """The correlation of two equally long lists; None when either does not vary."""
    n = len(xs)
    if n < 2:
        return None
    mean_x, mean_y = sum(xs) / n, sum(ys) / n
    sxy = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True))
    sxx = sum((x - mean_x) ** 2 for x in xs)
    syy = sum((y - mean_y) ** 2 for y in ys)
    if sxx == 0 or syy == 0:
        return None
    return sxy / math.sqrt(sxx * syy)


def analyse(module_id: int, settings: Mapping[str, dict] | None = None) -> Analysis:
    """Quiz and exercise statistics for one module over every submitted attempt.

    `settings` (exercise key -> its parameters, e.g. the current revision's) name the fields
    of exercises whose form depends on them, such as the mentions of a monitoring feed.
    """
    rows = db.session.execute(
        select(QuizAttempt.questions, QuizAttempt.answers).where(
            QuizAttempt.module_id == module_id, QuizAttempt.state == AttemptState.SUBMITTED
        )
    ).all()
    scores: dict[str, list[tuple[int, float]]] = defaultdict(list)
    prompts: dict[str, str] = {}
    order: dict[str, int] = {}
    wrong: dict[str, Counter] = defaultdict(Counter)
    questions: list[QuestionRecord]
    for questions, answers in rows:
        answers = answers or {}
        marks = {}
        for question in questions:
            right = sorted(c["id"] for c in question["choices"] if c["correct"])
            chosen = sorted(answers.get(question["key"], []))
            marks[question["key"]] = 1 if chosen == right else 0
            texts = {c["id"]: c["text"] for c in question["choices"] if not c["correct"]}
            wrong[question["key"]].update(texts[c] for c in chosen if c in texts)
            prompts[question["key"]] = question["prompt"]
            order.setdefault(question["key"], len(order))
        total = sum(marks.values())
        for key, mark in marks.items():
            others = len(marks) - 1
            rest = (total - mark) / others if others else 0.0
            scores[key].append((mark, rest))
    stats = []
    for key in sorted(scores, key=order.get):
        pairs = scores[key]
        marks = [m for m, _ in pairs]
        common = wrong[key].most_common(1)
        stats.append(
            QuestionStats(
                key=key,
                prompt=prompts[key],
                attempts=len(pairs),
                facility=sum(marks) / len(marks),
                discrimination=pearson(marks, [r for _, r in pairs]),
                wrong_answer=common[0][0] if common else None,
                wrong_answer_count=common[0][1] if common else 0,
            )
        )
    return Analysis(
        attempts=len(rows), questions=stats, exercises=_exercises(module_id, settings or {})
    )


def _exercises(module_id: int, settings: Mapping[str, dict]) -> list[ExerciseStats]:
    """Submissions per exercise and how many carried each finding (one GROUP BY).

    Identical findings lists are grouped by the database (JSONB on PostgreSQL, text on
    SQLite), so Python only walks the distinct lists with their counts.
    """
    grouped = db.session.execute(
        select(
            ExerciseSubmission.exercise_key,
            ExerciseSubmission.kind,
            ExerciseSubmission.passed,
            ExerciseSubmission.findings,
            func.count().label("n"),
        )
        .where(ExerciseSubmission.module_id == module_id)
        .group_by(
            ExerciseSubmission.exercise_key,
            ExerciseSubmission.kind,
            ExerciseSubmission.passed,
            ExerciseSubmission.findings,
        )
    ).all()
    by_key: dict[str, ExerciseStats] = {}
    counts: dict[str, Counter] = defaultdict(Counter)
    kinds: dict[str, str] = {}
    findings: list[FindingRecord] | None
    for key, kind, passed, findings, n in grouped:
        stats = by_key.setdefault(key, ExerciseStats(key=key))
        kinds.setdefault(key, kind)
        stats.submissions += n
        stats.passed += n if passed else 0
        seen = set()
        for finding in findings or []:
            ident = (finding.get("code"), finding.get("field"))
            if ident in seen:
                continue
            seen.add(ident)
            counts[key][ident] += n
    for key, stats in by_key.items():
        kind = exercises.KINDS.get(kinds[key])
        stats.findings = [
            FindingStats(
                code=code,
                field=field_name,
                description=exercises.describe_code(code),
                field_label=(
                    kind.field_label(field_name, settings.get(key)) if kind else (field_name or "–")
                ),
                submissions=n,
                share=n / stats.submissions,
            )
            for (code, field_name), n in sorted(
                counts[key].items(), key=lambda item: (-item[1], item[0][0] or "", item[0][1] or "")
            )
        ]
    return sorted(by_key.values(), key=lambda s: s.key)
