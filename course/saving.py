"""The step every view takes to change something: run the service, commit, or show the refusal.

Services flush and never commit (see course/services/__init__.py); the view that owns the
request commits through `save`, the same way in every blueprint.
"""

from collections.abc import Callable
from typing import TypeVar

from flask import flash
from sqlalchemy.exc import IntegrityError

from .extensions import db
from .services.refusal import RefusalError

T = TypeVar("T")


def refuse(form, error: RefusalError, refusal_field: str | None = None) -> None:
    """Undo the request's changes; show the refusal next to the field it names (else next to
    `refusal_field`, else on top of the page)."""
    db.session.rollback()
    name = error.field or refusal_field
    field = getattr(form, name, None) if form is not None and name else None
    if field is not None:
        field.errors = [*field.errors, str(error)]
    else:
        flash(str(error), "error")


def save(
    form,
    change: Callable[[], T],
    unique_field: str | None = None,
    refusal_field: str | None = None,
) -> T | None:
    """Run a service's change and commit it; its outcome, or None when it was refused.

    `change` returns what it changed (never None). A refusal goes next to the field of `form`
    it names, else next to `refusal_field`, else on top of the page (`form` may be None); a
    unique value someone else took between the form's check and the commit goes next to
    `unique_field`.
    """
    try:
        outcome = change()
    except RefusalError as error:
        refuse(form, error, refusal_field)
        return None
    if outcome is None:
        raise TypeError("a change given to save() must return what it changed")
    try:
        db.session.commit()
    except IntegrityError:
        if unique_field is None:
            raise
        db.session.rollback()
        refuse(form, RefusalError("Someone else has just taken that.", unique_field))
        return None
    return outcome
