"""Finding published modules and their parts for learner pages."""

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import Module, ModuleRevision, Question


def published_module(slug: str) -> Module | None:
    """The module with its published revision and all its parts loaded."""
    return db.session.scalar(
        select(Module)
        .where(Module.slug == slug, Module.published_revision_id.is_not(None))
        .options(
            selectinload(Module.published).selectinload(ModuleRevision.lessons),
            selectinload(Module.published).selectinload(ModuleRevision.exercises),
            selectinload(Module.published)
            .selectinload(ModuleRevision.questions)
            .selectinload(Question.choices),
        )
    )
