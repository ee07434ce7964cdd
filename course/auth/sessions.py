"""How Flask-Login finds the signed-in user."""

from ..extensions import db
from ..models import User


def load_user(user_id: str) -> User | None:
    if not user_id.isdigit():
        return None
    return db.session.get(User, int(user_id))
