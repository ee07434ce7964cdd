"""How Flask-Login finds the signed-in user."""

from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import User


def load_user(user_id: str) -> User | None:
    if not user_id.isdigit():
        return None
    # Every request needs the roles: one query with the user, not a second one.
    return db.session.get(User, int(user_id), options=[joinedload(User.role_rows)])
