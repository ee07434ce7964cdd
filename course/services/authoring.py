"""The trainers' studio: drafts, edits, publishing, import and export.

Trainers only ever change a draft revision. Learners read `module.published`, so nothing a
trainer does is visible until `publish`. Publishing never touches recorded attempts,
submissions or certificates: those keep their own snapshots.
"""

import re
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from .. import exercises
from ..extensions import db
from ..models import (
    AuditEvent,
    Choice,
    Exercise,
    Lesson,
    Module,
    ModuleRevision,
    Question,
    QuestionType,
    RevisionState,
    User,
)
from ..models.types import utcnow
from ..wording import counted
from . import audit, content_io, content_limits, gift, notifications, progress
from .content_io import ChoiceSpec, ContentError
from .refusal import RefusalError
from .rendering import render_markdown

PARTS = ("lessons", "questions", "exercises")
#: A module setting's name as the settings form labels it.
SETTING_LABELS = {
    "title": "Title",
    "summary": "Summary",
    "pass_mark": "Pass mark (%)",
    "quiz_size": "Questions per attempt",
    "estimated_minutes": "Estimated minutes",
    "position": "Order in the catalogue",
}
_KEY_CHARS = re.compile(r"[^a-z0-9]+")


class AuthoringError(RefusalError):
    """An edit the rules refuse, with a message for the trainer; `field` names the input."""


def sentence(problems: list[str]) -> str:
    """Messages joined into one sentence, first letter up ("mark ..." -> "Mark ...")."""
    text = "; ".join(problems)
    return text[:1].upper() + text[1:] + "."


def subject(module: Module) -> str:
    """The audit log's subject for a module."""
    return f"module:{module.id}"


def title(module: Module) -> str:
    """The module's title as the studio shows it: the draft's, else the published one's."""
    current = module.draft or module.published
    return current.title if current else module.slug


#: What one item of each part is called in a sentence.
NOUNS = {"lessons": "lesson", "questions": "question", "exercises": "exercise"}


def item_title(row) -> str:
    """What a trainer reads for a lesson, question or exercise.

    Its title, or a question's prompt cut to a line.
    """
    text = getattr(row, "title", None) or getattr(row, "prompt", "") or row.key
    return text if len(text) <= 80 else text[:79].rstrip() + "…"


def _named(part: str, row) -> str:
    """For audit lines: the title people read, the key after it."""
    return f"{NOUNS[part]} '{item_title(row)}' ({row.key})"


def module_by_slug(slug: str) -> Module | None:
    """The module with both revisions and all their parts loaded."""
    options = []
    for name in ("published", "draft"):
        rel = getattr(Module, name)
        options += [
            selectinload(rel).selectinload(ModuleRevision.lessons),
            selectinload(rel).selectinload(ModuleRevision.exercises),
            selectinload(rel).selectinload(ModuleRevision.questions).selectinload(Question.choices),
        ]
    return db.session.scalar(select(Module).where(Module.slug == slug).options(*options))


@dataclass(frozen=True)
class ModuleRow:
    """A module as the studio's list shows it: titles, revision numbers, last change."""

    slug: str
    title: str
    published_number: int | None
    draft_number: int | None
    archived: bool
    changed_at: object
    changed_by: str | None
    last_change: str


def list_modules() -> list[ModuleRow]:
    """Every module with its draft/published state and its latest audit line (two queries)."""
    modules = db.session.scalars(
        select(Module).options(selectinload(Module.published), selectinload(Module.draft))
    ).all()
    latest = (
        select(AuditEvent.subject, func.max(AuditEvent.id).label("id"))
        .where(AuditEvent.subject.like("module:%"))
        .group_by(AuditEvent.subject)
        .subquery()
    )
    events = {
        row.subject: row
        for row in db.session.execute(
            select(AuditEvent.subject, AuditEvent.at, AuditEvent.summary, User.name)
            .join(latest, latest.c.id == AuditEvent.id)
            .outerjoin(User, User.id == AuditEvent.actor_id)
        )
    }
    rows = []
    for module in modules:
        current = module.draft or module.published
        event = events.get(subject(module))
        rows.append(
            ModuleRow(
                slug=module.slug,
                title=current.title if current else module.slug,
                published_number=module.published.number if module.published else None,
                draft_number=module.draft.number if module.draft else None,
                archived=module.archived_at is not None,
                changed_at=event.at if event else module.created_at,
                changed_by=event.name if event else None,
                last_change=event.summary if event else "loaded from the curriculum",
            )
        )
    position = {
        m.slug: ((m.draft or m.published).position if (m.draft or m.published) else 0)
        for m in modules
    }
    return sorted(rows, key=lambda r: (position[r.slug], r.title))


def history(module: Module, limit: int = 50) -> list[tuple]:
    """The module's audit lines, newest first: (when, who, action, summary)."""
    return db.session.execute(
        select(AuditEvent.at, User.name, AuditEvent.action, AuditEvent.summary)
        .outerjoin(User, User.id == AuditEvent.actor_id)
        .where(AuditEvent.subject == subject(module))
        .order_by(AuditEvent.id.desc())
        .limit(limit)
    ).all()


def create_module(actor_id: int, slug: str, title: str, summary: str = "") -> Module:
    """A new module with an empty draft (revision 1); nothing is published yet."""
    if db.session.scalar(select(Module.id).where(Module.slug == slug)) is not None:
        raise AuthoringError(f"A module with the address '{slug}' already exists.", "slug")
    module = Module(slug=slug)
    revision = ModuleRevision(
        module=module,
        number=1,
        state=RevisionState.DRAFT,
        title=title,
        summary=summary,
        updated_by_id=actor_id,
    )
    db.session.add_all([module, revision])
    db.session.flush()
    module.draft = revision
    db.session.flush()
    audit.record(actor_id, "module.create", subject(module), f"created module '{title}'")
    return module


def _next_number(module: Module) -> int:
    highest = db.session.scalar(
        select(func.max(ModuleRevision.number)).where(ModuleRevision.module_id == module.id)
    )
    return (highest or 0) + 1


def ensure_draft(module: Module, actor_id: int | None = None) -> ModuleRevision:
    """The module's draft, made as a copy of the published revision when there is none.

    Lessons, questions, choices and exercises are copied with their keys, so evidence keyed
    by them still counts after publishing.
    """
    if module.draft is not None:
        return module.draft
    source = module.published
    draft = ModuleRevision(
        module=module,
        number=_next_number(module),
        state=RevisionState.DRAFT,
        title=module.slug,
        updated_by_id=actor_id,
    )
    if source is not None:
        # The same path as loading a file: a draft is the published revision, re-read.
        content_io.apply_spec(draft, content_io.spec_from_revision(module, source))
    db.session.add(draft)
    db.session.flush()
    module.draft = draft
    db.session.flush()
    return draft


def _touch(revision: ModuleRevision, actor_id: int) -> None:
    revision.updated_by_id = actor_id
    revision.updated_at = utcnow()


class KeyMaker:
    """Unique keys made from names ("Flu facts" -> "flu-facts", then "flu-facts-2", ...).

    Linear in the number of keys made: each base remembers the next number to try, so a
    file of 500 questions with the same title costs 500 steps, not 125,000. `taken` is used
    (and extended) as given.
    """

    def __init__(self, taken: set[str]):
        self.taken = taken
        self._next: dict[str, int] = {}

    def make(self, wanted: str) -> str:
        """A key not taken yet, made from `wanted`, and now taken."""
        base = _KEY_CHARS.sub("-", wanted.lower()).strip("-")[:60].strip("-") or "item"
        if not base[0].isalnum():
            base = "k" + base
        key, number = base, self._next.get(base, 2)
        while key in self.taken:
            key, number = f"{base}-{number}", number + 1
        self._next[base] = number
        self.taken.add(key)
        return key


def _unique_key(wanted: str, taken: set[str]) -> str:
    return KeyMaker(taken).make(wanted)


def _renumber(rows: list) -> None:
    for position, row in enumerate(rows):
        if row.position != position:
            row.position = position


def _find(rows: list, key: str):
    row = next((r for r in rows if r.key == key), None)
    if row is None:
        raise AuthoringError("That item is not in the draft any more.")
    return row


def _room_for(rows: list, limit: int, noun: str) -> None:
    """Refuse a new lesson, question or exercise past what a module may hold."""
    if len(rows) >= limit:
        raise AuthoringError(f"A module holds at most {limit} {noun}; remove one first.")


def update_settings(module: Module, actor_id: int, **settings) -> ModuleRevision:
    """Change the draft's title, summary, pass mark, quiz size, minutes or order; the draft."""
    draft = ensure_draft(module, actor_id)
    if settings.get("quiz_size") and settings["quiz_size"] > len(draft.questions):
        raise AuthoringError(
            f"The quiz size is {settings['quiz_size']} but the draft has only "
            f"{len(draft.questions)} questions.",
            "quiz_size",
        )
    changed = [name for name, value in settings.items() if getattr(draft, name) != value]
    for name in changed:
        setattr(draft, name, settings[name])
    if changed:
        _touch(draft, actor_id)
        audit.record(actor_id, "module.settings", subject(module), "changed " + ", ".join(changed))
    return draft


def save_lesson(
    module: Module, actor_id: int, key: str | None, title: str, markdown: str
) -> Lesson:
    """Create (key None) or change a draft lesson; its HTML is rendered and sanitized now."""
    draft = ensure_draft(module, actor_id)
    if key is None:
        _room_for(draft.lessons, content_limits.LESSONS, "lessons")
        lesson = Lesson(
            key=_unique_key(title, {x.key for x in draft.lessons}),
            position=len(draft.lessons),
            title=title,
            body_markdown=markdown,
            body_html=render_markdown(markdown),
        )
        draft.lessons.append(lesson)
        action = "added"
    else:
        lesson = _find(draft.lessons, key)
        lesson.title, lesson.body_markdown = title, markdown
        lesson.body_html = render_markdown(markdown)
        action = "changed"
    _touch(draft, actor_id)
    db.session.flush()
    audit.record(actor_id, "lesson.save", subject(module), f"{action} {_named('lessons', lesson)}")
    return lesson


def save_question(
    module: Module,
    actor_id: int,
    key: str | None,
    type: QuestionType,
    prompt: str,
    explanation: str,
    choices: list[ChoiceSpec],
) -> Question:
    """Create or change a draft question; the choices must pass content_io.choice_problems."""
    problems = content_io.question_problems(
        content_io.QuestionSpec(key or "", type, prompt, choices, explanation)
    )
    if problems:
        raise AuthoringError(sentence(problems))
    draft = ensure_draft(module, actor_id)
    if key is None:
        _room_for(draft.questions, content_limits.QUESTIONS, "questions")
    rows = [
        Choice(position=i, text=c.text, is_correct=c.correct, feedback=c.feedback)
        for i, c in enumerate(choices)
    ]
    if key is None:
        question = Question(
            key=_unique_key(prompt[:40], {q.key for q in draft.questions}),
            position=len(draft.questions),
            type=type,
            prompt=prompt,
            explanation=explanation,
            choices=rows,
        )
        draft.questions.append(question)
        action = "added"
    else:
        question = _find(draft.questions, key)
        question.type, question.prompt, question.explanation = type, prompt, explanation
        if [(c.text, c.is_correct, c.feedback) for c in question.choices] != [
            (c.text, c.correct, c.feedback) for c in choices
        ]:
            question.choices = rows
        action = "changed"
    _touch(draft, actor_id)
    db.session.flush()
    audit.record(
        actor_id, "question.save", subject(module), f"{action} {_named('questions', question)}"
    )
    return question


def params_problems(kind: str, params) -> list[str]:
    """Messages for bad exercise parameters (course.exercises.validate_params)."""
    if kind not in exercises.KINDS:
        return [f"Choose a kind: {', '.join(exercises.KINDS)}."]
    return [f.message for f in exercises.validate_params(kind, params)]


def save_exercise(
    module: Module,
    actor_id: int,
    key: str | None,
    kind: str,
    title: str,
    instructions: str,
    params: dict,
) -> Exercise:
    """Create or change a draft exercise; parameters are checked by the kind's rules."""
    problems = params_problems(kind, params)
    if problems:
        raise AuthoringError(" ".join(problems))
    draft = ensure_draft(module, actor_id)
    if key is None:
        _room_for(draft.exercises, content_limits.EXERCISES, "exercises")
        exercise = Exercise(
            key=_unique_key(title, {e.key for e in draft.exercises}),
            position=len(draft.exercises),
        )
        draft.exercises.append(exercise)
        action = "added"
    else:
        exercise = _find(draft.exercises, key)
        action = "changed"
    exercise.kind, exercise.title, exercise.params = kind, title, dict(params)
    exercise.instructions_markdown = instructions
    exercise.instructions_html = render_markdown(instructions)
    _touch(draft, actor_id)
    db.session.flush()
    audit.record(
        actor_id, "exercise.save", subject(module), f"{action} {_named('exercises', exercise)}"
    )
    return exercise


def delete_item(module: Module, actor_id: int, part: str, key: str) -> str:
    """Remove a lesson, question or exercise from the draft; returns the title removed.

    Recorded results keep theirs.
    """
    draft = ensure_draft(module, actor_id)
    rows = getattr(draft, part)
    row = _find(rows, key)
    title = item_title(row)
    rows.remove(row)
    _renumber(rows)
    _touch(draft, actor_id)
    audit.record(actor_id, f"{part[:-1]}.delete", subject(module), f"removed {_named(part, row)}")
    return title


def move_item(module: Module, actor_id: int, part: str, key: str, direction: str) -> ModuleRevision:
    """Move a lesson, question or exercise one place up or down in the draft; the draft."""
    draft = ensure_draft(module, actor_id)
    rows = list(getattr(draft, part))
    index = rows.index(_find(rows, key))
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(rows):
        rows[index], rows[other] = rows[other], rows[index]
        _renumber(rows)
        getattr(draft, part).sort(key=lambda r: r.position)
        _touch(draft, actor_id)
        audit.record(
            actor_id,
            f"{part[:-1]}.move",
            subject(module),
            f"moved {_named(part, rows[other])} {direction}",
        )
    return draft


def discard_draft(module: Module, actor_id: int) -> Module:
    """Throw the draft away (learners never saw it); returns the module."""
    draft = module.draft
    if draft is None:
        return module
    if module.published is None:
        raise AuthoringError(
            "This module has never been published: there is nothing to go back to."
        )
    module.draft = None
    db.session.flush()
    db.session.delete(draft)
    audit.record(
        actor_id, "module.discard_draft", subject(module), f"discarded draft {draft.number}"
    )
    return module


def archive(module: Module, actor_id: int) -> Module:
    """Retire the module: learners no longer see it and managers can no longer assign it.

    Nothing is deleted: revisions, assignments, attempts, submissions and certificates stay
    (certificates still verify) and the reports keep their rows. `restore` undoes it.
    """
    if module.archived_at is not None:
        raise AuthoringError("This module is already archived.")
    module.archived_at = utcnow()
    audit.record(actor_id, "module.archive", subject(module), f"archived module '{title(module)}'")
    return module


def restore(module: Module, actor_id: int) -> Module:
    """Bring an archived module back: learners see its published version again; the module."""
    if module.archived_at is None:
        raise AuthoringError("This module is not archived.")
    module.archived_at = None
    audit.record(actor_id, "module.restore", subject(module), f"restored module '{title(module)}'")
    return module


@dataclass
class Changes:
    """What a draft changes against the published revision, computed by key."""

    settings: list[str] = field(default_factory=list)
    added: dict[str, list[str]] = field(default_factory=lambda: {p: [] for p in PARTS})
    changed: dict[str, list[str]] = field(default_factory=lambda: {p: [] for p in PARTS})
    removed: dict[str, list[str]] = field(default_factory=lambda: {p: [] for p in PARTS})
    reordered: list[str] = field(default_factory=list)
    #: (part, key) -> the item's title, from the draft or (for removed items) the published.
    titles: dict[tuple[str, str], str] = field(default_factory=dict)

    def title(self, part: str, key: str) -> str:
        """The title of a lesson, question or exercise by its key (the key when it has none)."""
        return self.titles.get((part, key), key)

    def lines(self) -> list[tuple[str, list[tuple[str, str]]]]:
        """(heading, [(title, key), ...]) for each kind of change, for a page to list."""
        out = []
        if self.settings:
            out.append(("Settings", [(SETTING_LABELS.get(s, s), "") for s in self.settings]))
        for label, table in (("Added", self.added), ("Changed", self.changed),
                             ("Removed", self.removed)):  # fmt: skip
            for part in PARTS:
                if table[part]:
                    rows = [(self.title(part, key), key) for key in table[part]]
                    out.append((f"{label} {part}", rows))
        if self.reordered:
            out.append(("Reordered", [(part.capitalize(), "") for part in self.reordered]))
        return out

    def summary(self) -> str:
        """One line for the audit trail: titles first, keys in brackets."""
        parts = []
        for heading, rows in self.lines():
            named = [f"'{title}' ({key})" if key else title for title, key in rows]
            parts.append(f"{heading.lower()}: {', '.join(named)}")
        return "; ".join(parts) or "no changes"


def _fingerprint(part: str, row) -> tuple:
    if part == "lessons":
        return (row.title, row.body_markdown)
    if part == "questions":
        return (
            row.type,
            row.prompt,
            row.explanation,
            tuple((c.text, c.is_correct, c.feedback) for c in row.choices),
        )
    return (row.kind, row.title, row.instructions_markdown, row.params)


def changes(module: Module) -> Changes:
    """The draft against the published revision (everything is 'added' for a first version)."""
    draft, published = module.draft, module.published
    result = Changes()
    if draft is None:
        return result
    for name in ("title", "summary", "pass_mark", "quiz_size", "estimated_minutes", "position"):
        if published is None or getattr(draft, name) != getattr(published, name):
            result.settings.append(name)
    for part in PARTS:
        new = {r.key: r for r in getattr(draft, part)}
        old = {r.key: r for r in getattr(published, part)} if published else {}
        for key, row in {**old, **new}.items():
            result.titles[(part, key)] = item_title(row)
        result.added[part] = [k for k in new if k not in old]
        result.removed[part] = [k for k in old if k not in new]
        result.changed[part] = [
            k for k in new if k in old and _fingerprint(part, new[k]) != _fingerprint(part, old[k])
        ]
        kept_new = [k for k in new if k in old]
        kept_old = [k for k in old if k in new]
        if kept_new != kept_old:
            result.reordered.append(part)
    return result


def publish(
    module: Module,
    actor_id: int,
    change_summary: str,
    requires_retraining: bool = False,
    reason: str = "",
) -> ModuleRevision:
    """Make the draft what learners see, and keep the old version as superseded.

    With `requires_retraining`, evidence from older versions stops counting
    (module.retrain_since): every learner starts the module again, every completion ends, and
    `reason` is shown wherever the module is. Without it, no one's completion changes (steps
    are recounted against the new version). Attempts, submissions and certificates are never
    changed.
    """
    draft = module.draft
    if draft is None:
        raise AuthoringError("There is no draft to publish.")
    if not draft.lessons:
        raise AuthoringError("Add at least one lesson before publishing.")
    if not draft.questions:
        raise AuthoringError("Add at least one quiz question before publishing.")
    if draft.quiz_size and draft.quiz_size > len(draft.questions):
        raise AuthoringError("The quiz size is larger than the number of questions.")
    if requires_retraining and not reason.strip():
        raise AuthoringError("Say why learners must retrain: they will read this reason.", "reason")
    what = changes(module).summary()
    now = utcnow()
    old = module.published
    if old is not None:
        old.state = RevisionState.SUPERSEDED
    draft.state = RevisionState.PUBLISHED
    draft.published_at, draft.published_by_id = now, actor_id
    draft.change_summary = change_summary
    draft.requires_retraining = requires_retraining
    module.published, module.draft = draft, None
    db.session.flush()
    line = f"published version {draft.number}: {change_summary} ({what})"
    if requires_retraining and old is not None:
        reason = reason.strip()
        draft.retrain_reason = reason
        module.retrain_since, module.retrain_reason = draft.number, reason
        notifications.retraining_required(module.id, draft.number, reason)
        ended = progress.reopen(module, reason)
        line += f"; requires retraining: {reason} ({counted(ended, 'completion')} ended)"
    else:
        progress.recount(module)
    audit.record(actor_id, "module.publish", subject(module), line)
    return draft


def export_text(module: Module, draft: bool = False) -> str:
    """The module (published revision, or the draft) in the curriculum's file format."""
    revision = module.draft if draft and module.draft else module.published or module.draft
    return content_io.write_module(content_io.spec_from_revision(module, revision))


def import_module(
    actor_id: int,
    spec: content_io.ModuleSpec,
    filename: str,
    into: Module | None = None,
    replace_draft: bool = False,
) -> Module:
    """Store a parsed module file (content_io.parse_module) as a new module or draft of `into`.

    Parse first, outside any write transaction: this only writes.

    Raises ContentError when the slug is taken by another module, and AuthoringError when
    `into` has an unpublished draft that `replace_draft` does not allow to overwrite:
    someone's saved edits are never replaced silently.
    """
    if into is not None and into.draft is not None and not replace_draft:
        draft = into.draft
        raise AuthoringError(
            f"“{draft.title}” already has an unpublished draft (version {draft.number}) with "
            "saved edits. Tick “Replace its draft” to overwrite it with this file, or publish "
            "or discard that draft first.",
            "into",
        )
    if into is None:
        if db.session.scalar(select(Module.id).where(Module.slug == spec.slug)) is not None:
            raise ContentError(
                filename,
                [(2, f"a module with slug '{spec.slug}' exists: import it as a draft of that "
                     "module, or change the slug")],
            )  # fmt: skip
        module = Module(slug=spec.slug, source=spec.source)
        draft = ModuleRevision(module=module, number=1, state=RevisionState.DRAFT, title=spec.title)
        db.session.add_all([module, draft])
        db.session.flush()
        module.draft = draft
        action = f"imported new module from {filename}"
    else:
        module = into
        draft = ensure_draft(module, actor_id)
        action = f"imported {filename} as draft {draft.number}"
    content_io.apply_spec(draft, spec)
    _touch(draft, actor_id)
    db.session.flush()
    audit.record(actor_id, "module.import", subject(module), action)
    return module


def read_gift(
    text: str, filename: str, *, skip_unsupported: bool = False
) -> tuple[list[content_io.QuestionSpec], list[tuple[int | None, str]]]:
    """The questions of a GIFT file, each checked as the question form checks one.

    Returns them with the problems found; pure, so it runs before any write transaction.

    All or nothing by default: any unreadable, unsupported or oversized question raises
    ContentError with its line. With `skip_unsupported`, the readable questions are returned
    with the others as (line, problem) in line order; a file with none to add still raises.
    A file past content_limits.FILE_CHARS or with more than content_limits.QUESTIONS
    questions always raises (reading stops at the first question past the limit). Each
    spec's key is a hint that `add_gift_questions` makes unique.
    """
    if message := content_limits.too_long(text, content_limits.FILE_CHARS):
        raise ContentError(filename, [(None, f"the file {message}")])
    result = gift.parse(text, limit=content_limits.QUESTIONS)
    if len(result.questions) + len(result.problems) > content_limits.QUESTIONS:
        raise ContentError(filename, [result.problems[-1]])
    problems: list[tuple[int | None, str]] = list(result.problems)
    readable = []
    for question in result.questions:
        spec = content_io.QuestionSpec(
            key=question.key_hint,
            type=QuestionType(question.type),
            prompt=question.prompt,
            choices=[ChoiceSpec(c.text, c.correct, c.feedback) for c in question.choices],
            explanation=question.explanation,
        )
        found = content_io.question_problems(spec)
        problems += [(question.line, message) for message in found]
        if not found:
            readable.append(spec)
    problems.sort(key=lambda p: p[0] or 0)
    if not result.questions and not problems:
        problems.append((1, "the file has no questions"))
    if problems and not (skip_unsupported and readable):
        raise ContentError(filename, problems)
    return readable, problems


def add_gift_questions(
    module: Module,
    actor_id: int,
    questions: list[content_io.QuestionSpec],
    filename: str,
    skipped: list[tuple[int | None, str]] = (),
) -> list[str]:
    """Add questions read by `read_gift` to the draft.

    Returns their keys (made unique). The skipped ones are named in the audit line.

    Raises ContentError when the draft would hold more than content_limits.QUESTIONS.
    """
    draft = ensure_draft(module, actor_id)
    if len(draft.questions) + len(questions) > content_limits.QUESTIONS:
        raise ContentError(
            filename,
            [(None, f"the draft has {len(draft.questions)} questions and the file "
                    f"{len(questions)}: a module holds at most {content_limits.QUESTIONS}")],
        )  # fmt: skip
    keys = KeyMaker({q.key for q in draft.questions})
    made = []
    for question in questions:
        key = keys.make(question.key)
        made.append(key)
        draft.questions.append(
            Question(
                key=key,
                position=len(draft.questions),
                type=question.type,
                prompt=question.prompt,
                explanation=question.explanation,
                choices=[
                    Choice(position=i, text=c.text, is_correct=c.correct, feedback=c.feedback)
                    for i, c in enumerate(question.choices)
                ],
            )
        )
    _touch(draft, actor_id)
    db.session.flush()
    skipped_text = "; ".join(f"line {line or '?'}: {message}" for line, message in skipped)
    audit.record(
        actor_id,
        "question.import_gift",
        subject(module),
        f"imported {len(made)} questions from {filename}"
        + (f"; skipped {len(skipped)}: {skipped_text}" if skipped else ""),
    )
    return made


def import_gift(
    module: Module, actor_id: int, text: str, filename: str, *, skip_unsupported: bool = False
) -> tuple[list[str], list[tuple[int | None, str]]]:
    """Read a GIFT file and add its questions to the draft.

    `read_gift`, then `add_gift_questions`; returns the new keys and the skipped questions.
    """
    questions, skipped = read_gift(text, filename, skip_unsupported=skip_unsupported)
    return add_gift_questions(module, actor_id, questions, filename, skipped), skipped
