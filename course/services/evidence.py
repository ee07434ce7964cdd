"""Evidence: everything a learner did, as it was recorded, for the learner page and the CSV.

Lesson reads, submitted quiz attempts (with the questions as the learner saw them and the
choices they picked), exercise submissions (with the answer and the findings) and
certificates. Nothing here computes a status: that is the report's rule (`reports`).
"""

from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import func, select

from ..exercises import KINDS, message_for_others
from ..exercises.findings import ERROR
from ..extensions import db
from ..models import (
    AttemptState,
    Certificate,
    Department,
    ExerciseSubmission,
    LessonRead,
    Module,
    ModuleRevision,
    PastCompletion,
    QuizAttempt,
    User,
)
from .columns import Column, Kind
from .reports import Filters, title_column
from .scope import Scope


@dataclass(frozen=True)
class Evidence:
    """One learner's records, each list newest first (see `of_learner`)."""

    reads: list
    attempts: list
    submissions: list
    certificates: list
    #: Completions done outside the app (PastCompletion, module title), newest first.
    past_completions: list


def of_learner(user_id: int) -> Evidence:
    """Every read, quiz attempt, submission, imported completion and certificate of a learner.

    Newest first, with module titles (five queries); attempts only once submitted.
    """
    title = title_column().label("module_title")

    def rows(model, when, *where):
        return db.session.execute(
            select(model, title)
            .join(Module, Module.id == model.module_id)
            .outerjoin(ModuleRevision, ModuleRevision.id == Module.published_revision_id)
            .where(model.user_id == user_id, *where)
            .order_by(when.desc(), model.id.desc())
        ).all()

    return Evidence(
        reads=rows(LessonRead, LessonRead.read_at),
        attempts=rows(
            QuizAttempt, QuizAttempt.submitted_at, QuizAttempt.state == AttemptState.SUBMITTED
        ),
        submissions=rows(ExerciseSubmission, ExerciseSubmission.submitted_at),
        past_completions=rows(PastCompletion, PastCompletion.completed_at),
        certificates=list(
            db.session.scalars(
                select(Certificate)
                .where(Certificate.user_id == user_id)
                .order_by(Certificate.issued_at.desc())
            )
        ),
    )


def quiz_answers(attempt: QuizAttempt) -> list[dict]:
    """An attempt's stored questions with the choices the learner picked, right or wrong."""
    picked = attempt.answers or {}
    result = []
    for question in attempt.questions:
        chosen = set(picked.get(question["key"], []))
        right = {c["id"] for c in question["choices"] if c["correct"]}
        result.append(
            {
                "key": question["key"],
                "prompt": question["prompt"],
                "chosen": [c["text"] for c in question["choices"] if c["id"] in chosen],
                "correct": chosen == right,
            }
        )
    return result


#: The evidence file's columns; `iter_rows` yields their values in this order.
COLUMNS = [
    Column("learner", "Learner"),
    Column("email", "Email", Kind.EMAIL),
    Column("department", "Department"),
    Column("module", "Module"),
    Column("kind", "Kind"),
    Column("item", "Item"),
    Column("revision", "Revision", Kind.NUMBER),
    Column("at", "At", Kind.MOMENT),
    Column("score", "Score", Kind.PERCENT),
    Column("passed", "Passed"),
    Column("answer", "Answer"),
    Column("findings", "Findings"),
]


def iter_rows(
    scope: Scope, filters: Filters, learner_id: int | None = None, chunk: int = 1000
) -> Iterator[list]:
    """Raw evidence rows (columns COLUMNS) for the learners in scope.

    Four streamed queries, so memory stays flat however many rows there are. An imported
    completion is a row of kind "imported completion" with its source as the item.
    """

    def stream(model, *columns, where=()):
        stmt = (
            select(
                User.name,
                User.email,
                func.coalesce(Department.name, ""),
                title_column(),
                *columns,
            )
            .select_from(model)
            .join(User, User.id == model.user_id)
            .outerjoin(Department, Department.id == User.department_id)
            .join(Module, Module.id == model.module_id)
            .outerjoin(ModuleRevision, ModuleRevision.id == Module.published_revision_id)
            .where(*where)
            .order_by(User.name, User.id, model.id)
        )
        # One learner's evidence is theirs whether or not they have left.
        stmt = scope.visible(stmt, "all" if learner_id is not None else filters.people)
        if filters.department_id is not None:
            stmt = stmt.where(User.department_id == filters.department_id)
        if filters.module_id is not None:
            stmt = stmt.where(model.module_id == filters.module_id)
        if learner_id is not None:
            stmt = stmt.where(User.id == learner_id)
        return db.session.execute(stmt.execution_options(yield_per=chunk))

    for name, email, department, title, key, revision, at in stream(
        LessonRead, LessonRead.lesson_key, LessonRead.revision_number, LessonRead.read_at
    ):
        yield [name, email, department, title, "lesson read", key, revision, at, None, None, "", ""]
    for name, email, department, title, attempt in stream(
        QuizAttempt, QuizAttempt, where=(QuizAttempt.state == AttemptState.SUBMITTED,)
    ):
        answers = quiz_answers(attempt)
        yield [
            name,
            email,
            department,
            title,
            "quiz attempt",
            f"{attempt.correct_count}/{attempt.question_count} right",
            attempt.revision_number,
            attempt.submitted_at,
            attempt.score,
            "yes" if attempt.passed else "no",
            "\n".join(
                f"{n}. {a['prompt']}\n{'; '.join(a['chosen']) or '(no answer)'}"
                for n, a in enumerate(answers, start=1)
            ),
            "\n".join(
                f"Question {n}: {'right' if a['correct'] else 'wrong'}."
                for n, a in enumerate(answers, start=1)
            ),
        ]
    for *who, past in stream(PastCompletion, PastCompletion):
        # Done outside the app: no revision, no score.
        imported = ("imported completion", f"imported: {past.source}", None, past.completed_at)
        yield [*who, *imported, None, "yes", past.note, ""]
    for name, email, department, title, sub in stream(ExerciseSubmission, ExerciseSubmission):
        yield [
            name,
            email,
            department,
            title,
            f"exercise ({sub.kind})",
            sub.exercise_key,
            sub.revision_number,
            sub.submitted_at,
            None,
            "yes" if sub.passed else "no",
            answer_text(sub.kind, sub.answer),
            findings_text(sub.kind, sub.findings),
        ]


def _label(kind: str, path: str | None) -> str:
    registered = KINDS.get(kind)
    return registered.field_label(path) if registered else path or "The answer as a whole"


def _leaves(value, path: str) -> Iterator[tuple[str, str]]:
    """(field path, text) of each answered value: lists and groups opened up, in order."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _leaves(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from _leaves(item, f"{path}[{index}]")
    elif value is not None:
        yield path, str(value)


def answer_text(kind: str, answer) -> str:
    """An exercise answer as the learner wrote it, field by field.

    Each field's label, then its text with its own line breaks; fields apart by a blank line.
    """
    if not isinstance(answer, dict):
        return "" if answer is None else str(answer)
    parts = []
    for path, text in _leaves(answer, ""):
        label = _label(kind, path)
        parts.append(f"{label}:\n{text}" if "\n" in text else f"{label}: {text}")
    return "\n\n".join(parts)


def findings_text(kind: str, findings) -> str:
    """Findings as sentences, one a line, as the learner page words them for managers.

    "Fix: Post text: ..." or "Advice: ...", patient information never repeated.
    """
    lines = []
    for finding in findings or []:
        prefix = "Fix" if finding.get("severity") == ERROR else "Advice"
        field = finding.get("field")
        where = f"{_label(kind, field)}: " if field else ""
        lines.append(f"{prefix}: {where}{message_for_others(finding)}")
    return "\n".join(lines)
