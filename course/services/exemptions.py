"""Exemptions: a manager excuses a learner from a module assigned to them.

An exemption has a reason (required) and, optionally, a last day (`ends_on`, the
organisation's calendar date); from the day after, the learner's row is back to its own
status. While it holds, the report's status rule (`reports._status_rule`) says "exempt" for the
row: the report, its files, the API, the learner's dashboard and the reminders read that one
rule, and the summary leaves exempt rows out of the rates. `in_effect` is the one SQL test of
"exempt on this day" the rule and the report's columns share.

Records are kept: changing an exemption lifts the current one and adds a new one; lifting
one early stamps it. Every change writes an audit line. Services flush; the caller commits.
"""

from datetime import date

from sqlalchemy import and_, or_, select

from ..extensions import db
from ..models import Exemption, Module, ModuleProgress, User
from ..models.types import utcnow
from . import audit, clock
from .refusal import RefusalError
from .scope import Scope

REASON_LIMIT = 500


class ExemptionError(RefusalError):
    """An exemption the rules refuse; `field` names the form input at fault."""


def in_effect(today, exemption=Exemption):
    """SQL: the exemption row is current (not lifted) and holds on `today`.

    `today` is a date or a bound parameter of the organisation's date; `exemption` is
    Exemption or an alias of it, which the caller joins or correlates to the learner's row
    (user_id, module_id).
    """
    return and_(
        exemption.lifted_at.is_(None),
        or_(exemption.ends_on.is_(None), exemption.ends_on >= today),
    )


def current(user_id: int, module_id: int) -> Exemption | None:
    """The learner's current (not lifted) exemption from the module, ended or not, or None."""
    return db.session.scalar(
        select(Exemption).where(
            Exemption.user_id == user_id,
            Exemption.module_id == module_id,
            Exemption.lifted_at.is_(None),
        )
    )


def holds(exemption: Exemption | None, today: date | None = None) -> bool:
    """Whether an exemption holds on `today` (the organisation's date; default: now)."""
    if exemption is None or exemption.lifted_at is not None:
        return False
    return exemption.ends_on is None or exemption.ends_on >= (today or clock.today())


def _assigned(user_id: int, module_id: int) -> bool:
    return (
        db.session.scalar(
            select(ModuleProgress.due_on).where(
                ModuleProgress.user_id == user_id, ModuleProgress.module_id == module_id
            )
        )
        is not None
    )


def grant(
    actor_id: int,
    scope: Scope,
    user_id: int,
    module_id: int,
    reason: str,
    ends_on: date | None = None,
    today: date | None = None,
) -> Exemption:
    """Exempt the learner from the module: the new current exemption.

    `reason`: required, at most 500 characters (spaces tidied). `ends_on`: the last day
    exempt, today or later in the organisation's zone; None for good. A current exemption is
    replaced (lifted, kept). Raises ExemptionError (field "reason" or "ends_on", or None)
    when the learner is outside `scope`, the module is not assigned to them, or a value is
    refused; nothing changes then.
    """
    today = today or clock.today()
    learner = db.session.get(User, user_id)
    module = db.session.get(Module, module_id)
    if learner is None or module is None or not scope.covers(learner.department_id):
        raise ExemptionError("There is no such learner in your departments.")
    if not _assigned(user_id, module_id):
        raise ExemptionError("This module is not assigned to this learner.")
    reason = " ".join((reason or "").split())
    if not reason:
        raise ExemptionError("Give the reason for the exemption.", "reason")
    if len(reason) > REASON_LIMIT:
        raise ExemptionError(
            f"Use at most {REASON_LIMIT} characters (this has {len(reason)}).", "reason"
        )
    if ends_on is not None and ends_on < today:
        raise ExemptionError(
            f"The end date must be today ({today.isoformat()}) or later; leave it empty for "
            "an exemption without end.",
            "ends_on",
        )
    previous = current(user_id, module_id)
    if previous is not None:
        previous.lifted_at = utcnow()
        previous.lifted_by_id = actor_id
        db.session.flush()  # one current exemption per learner and module
    exemption = Exemption(user_id=user_id, module_id=module_id, reason=reason, ends_on=ends_on)
    exemption.granted_by_id = actor_id
    db.session.add(exemption)
    db.session.flush()
    until = f"until {ends_on.isoformat()}" if ends_on else "without end"
    audit.record(
        actor_id,
        "exemption.change" if previous is not None else "exemption.grant",
        f"user:{user_id}",
        f"{learner.email} exempt from module {module.slug} {until}: {reason}",
    )
    return exemption


def lift(actor_id: int, scope: Scope, user_id: int, module_id: int) -> Exemption:
    """End the learner's current exemption now; the row is back to its own status.

    Raises ExemptionError when the learner is outside `scope` or has no current exemption.
    """
    learner = db.session.get(User, user_id)
    exemption = current(user_id, module_id)
    if learner is None or not scope.covers(learner.department_id) or exemption is None:
        raise ExemptionError("This learner has no exemption from this module.")
    exemption.lifted_at = utcnow()
    exemption.lifted_by_id = actor_id
    db.session.flush()
    module = db.session.get(Module, module_id)
    audit.record(
        actor_id,
        "exemption.lift",
        f"user:{user_id}",
        f"{learner.email} no longer exempt from module {module.slug if module else module_id}",
    )
    return exemption
