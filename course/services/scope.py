"""Scope: whose learners a person may see in reports, exports, the API and certificates.

Admins see every department; a manager the departments an admin set for them; anyone else
nobody. Every statement that lists learners for a manager goes through `Scope.visible`.
"""

from dataclasses import dataclass

from sqlalchemy import select

from ..extensions import db
from ..models import Department, Role, User
from . import accounts

#: Whose records a list shows, by account: the value a report filter takes, and its words.
PEOPLE = {"active": "Active staff", "deactivated": "Deactivated (leavers)", "all": "Everyone"}


@dataclass(frozen=True)
class Scope:
    """Whose learners a person may see: department ids, or None for everyone (admins)."""

    department_ids: tuple[int, ...] | None

    @property
    def everyone(self) -> bool:
        """Whether the scope covers every department (and people in none)."""
        return self.department_ids is None

    def covers(self, department_id: int | None) -> bool:
        """Whether a learner of this department (None: of none) is in the scope."""
        return self.everyone or department_id in (self.department_ids or ())

    def visible(self, stmt, people: str = "active"):
        """Restrict a statement over User to the people the scope covers.

        Those whose accounts are active (the default), those deactivated (leavers, kept in the
        record), or all.
        """
        if people not in PEOPLE:
            raise ValueError(f"people must be one of {', '.join(PEOPLE)}")
        if people != "all":
            stmt = stmt.where(User.active.is_(people == "active"))
        if not self.everyone:
            stmt = stmt.where(User.department_id.in_(self.department_ids or (-1,)))
        return stmt


def scope_for(user) -> Scope:
    """Admins see every department; a manager the departments set for them; others nothing.

    `user` is anything with `id` and `has_role`: the signed-in user or a token's owner.
    """
    if user.has_role(Role.ADMIN):
        return Scope(None)
    if user.has_role(Role.MANAGER):
        return Scope(tuple(sorted(d.id for d in accounts.managed_departments(user.id))))
    return Scope(())


def departments(scope: Scope) -> list[Department]:
    """The departments in a scope, by name."""
    stmt = select(Department).order_by(Department.name)
    if not scope.everyone:
        stmt = stmt.where(Department.id.in_(scope.department_ids or (-1,)))
    return list(db.session.scalars(stmt))


def learner_in_scope(scope: Scope, user_id: int) -> User | None:
    """The learner, if the scope covers them; None otherwise (the caller answers 404)."""
    user = db.session.get(User, user_id)
    if user is None or not scope.covers(user.department_id):
        return None
    return user
