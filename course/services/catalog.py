"""Finding published modules and the parts of them a learner page shows."""

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from sqlalchemy import and_, bindparam, select, tuple_
from sqlalchemy.orm import joinedload

from ..database import Prepared
from ..extensions import db
from ..models import Exercise, Lesson, LessonRead, Module, ModuleRevision, Question

# The revision comes in the module's own row (a join); its parts take a query each. Lessons
# come without their bodies: the lesson page reads those from its cache (open_lesson).
_published = joinedload(Module.published)
_PARTS = {
    "lessons": _published.selectinload(ModuleRevision.lessons).load_only(
        Lesson.key, Lesson.title, Lesson.position
    ),
    "exercises": _published.selectinload(ModuleRevision.exercises),
    # What progress counts by: keys (and titles) without settings and instructions.
    "exercise_keys": _published.selectinload(ModuleRevision.exercises).load_only(
        Exercise.key, Exercise.title, Exercise.position
    ),
    "questions": _published.selectinload(ModuleRevision.questions),
    "choices": _published.selectinload(ModuleRevision.questions).selectinload(Question.choices),
}


def published_module(slug: str, parts: tuple[str, ...] = ("lessons", "exercises")) -> Module | None:
    """The published module with its revision and the named parts loaded up front.

    Parts not named still load on first use, one query each.
    """
    return db.session.scalar(_published_statement(parts), {"slug": slug})


@lru_cache(maxsize=32)
def _published_statement(parts: tuple[str, ...]):
    return (
        select(Module)
        .where(
            Module.slug == bindparam("slug"),
            Module.published_revision_id.is_not(None),
            Module.archived_at.is_(None),
        )
        .options(_published, *(_PARTS[part] for part in parts))
    )


@dataclass(frozen=True)
class LessonText:
    """A lesson's key, title and rendered (sanitised) HTML."""

    key: str
    title: str
    body_html: str


@dataclass(frozen=True)
class OpenLesson:
    """A lesson as a learner opens it.

    Where it stands among its module's lessons, and whether this learner has read it in the
    published revision.
    """

    slug: str
    module_title: str
    lessons: tuple[LessonText, ...]
    index: int
    already_read: bool

    @property
    def lesson(self) -> LessonText:
        """The lesson opened."""
        return self.lessons[self.index]

    @property
    def previous(self) -> LessonText | None:
        """The lesson before it in the module, or None for the first."""
        return self.lessons[self.index - 1] if self.index else None

    @property
    def next(self) -> LessonText | None:
        """The lesson after it in the module, or None for the last."""
        return self.lessons[self.index + 1] if self.index + 1 < len(self.lessons) else None


def open_lesson(slug: str, key: str, user_id: int) -> OpenLesson | None:
    """The lesson page's data in one indexed query, its text from this process's cache.

    The lesson page is the most visited one. Lesson text is cached per revision and
    `updated_at`, which every change to a published revision moves (the loader's in-place
    update included), so a stale page is impossible and nothing is shared between processes.
    """
    rows = _OPEN_LESSON.rows({"slug": slug, "key": key, "user_id": user_id})
    if not rows:
        return None
    revision_id, updated_at, read_id = rows[0]
    title, lessons = _lesson_texts(revision_id, updated_at)
    index = next((i for i, lesson in enumerate(lessons) if lesson.key == key), None)
    if index is None:
        return None
    return OpenLesson(slug, title, lessons, index, already_read=read_id is not None)


def _open_lesson_statement():
    """The statement behind `open_lesson`, built once, in Core, run through the driver.

    Building and compiling an ORM select per view costs more than running it, and
    SQLAlchemy's work per execution costs more again (`database.Prepared`).
    """
    module, revision, read = Module.__table__, ModuleRevision.__table__, LessonRead.__table__
    return (
        select(revision.c.id, revision.c.updated_at, read.c.id)
        .select_from(module)
        .join(revision, revision.c.id == module.c.published_revision_id)
        .outerjoin(
            read,
            and_(
                read.c.user_id == bindparam("user_id"),
                read.c.module_id == module.c.id,
                read.c.lesson_key == bindparam("key"),
                read.c.revision_number == revision.c.number,
            ),
        )
        .where(module.c.slug == bindparam("slug"), module.c.archived_at.is_(None))
    )


_OPEN_LESSON = Prepared(_open_lesson_statement())


@lru_cache(maxsize=256)
def _lesson_texts(revision_id: int, updated_at: datetime) -> tuple[str, tuple[LessonText, ...]]:
    title = db.session.scalar(select(ModuleRevision.title).where(ModuleRevision.id == revision_id))
    lessons = db.session.execute(
        select(Lesson.key, Lesson.title, Lesson.body_html)
        .where(Lesson.revision_id == revision_id)
        .order_by(Lesson.position)
    )
    return title, tuple(LessonText(*lesson) for lesson in lessons)


def lesson_titles(reads) -> dict[tuple[int, int, str], str]:
    """(module id, revision number, lesson key) -> the lesson's title in that revision.

    For pages that list lesson reads (one query however many reads).
    """
    wanted = {(r.module_id, r.revision_number) for r in reads}
    if not wanted:
        return {}
    rows = db.session.execute(
        select(ModuleRevision.module_id, ModuleRevision.number, Lesson.key, Lesson.title)
        .join(Lesson, Lesson.revision_id == ModuleRevision.id)
        .where(tuple_(ModuleRevision.module_id, ModuleRevision.number).in_(list(wanted)))
    )
    return {(module_id, number, key): title for module_id, number, key, title in rows}
