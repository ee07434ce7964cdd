"""Finding published modules and the parts of them a learner page shows."""

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import Module, ModuleRevision, Question

# The revision comes in the module's own row (a join); its parts take a query each.
_published = joinedload(Module.published)
_PARTS = {
    "lessons": _published.selectinload(ModuleRevision.lessons),
    "exercises": _published.selectinload(ModuleRevision.exercises),
    "questions": _published.selectinload(ModuleRevision.questions),
    "choices": _published.selectinload(ModuleRevision.questions).selectinload(Question.choices),
}


def published_module(slug: str, parts: tuple[str, ...] = ("lessons", "exercises")) -> Module | None:
    """The published module with its revision and the named parts loaded up front.

    Parts not named still load on first use, one query each.
    """
    return db.session.scalar(
        select(Module)
        .where(Module.slug == slug, Module.published_revision_id.is_not(None))
        .options(_published, *(_PARTS[part] for part in parts))
    )
