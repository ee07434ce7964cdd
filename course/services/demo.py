"""Demo data for trying the product: never used outside `make run` and benchmarks."""

from sqlalchemy import select

from ..extensions import db
from ..models import Role, User
from . import accounts

DEMO_PASSWORD = "rounds-demo"  # noqa: S105 (documented demo password)

#: (email, name, roles, department)
DEMO_ACCOUNTS = [
    ("learner@example.org", "Lena Learner", {Role.LEARNER}, "Cardiology Ward"),
    ("trainer@example.org", "Theo Trainer", {Role.TRAINER, Role.LEARNER}, "Education Team"),
    ("manager@example.org", "Maya Manager", {Role.MANAGER, Role.LEARNER}, "Cardiology Ward"),
    ("admin@example.org", "Ada Admin", {Role.ADMIN}, None),
    ("amara.okafor@example.org", "Amara Okafor", {Role.LEARNER}, "Cardiology Ward"),
    ("jonas.berg@example.org", "Jonas Berg", {Role.LEARNER}, "Cardiology Ward"),
    ("sofia.alvarez@example.org", "Sofía Álvarez", {Role.LEARNER}, "Cardiology Ward"),
    ("wei.chen@example.org", "Wei Chen", {Role.LEARNER}, "Emergency Department"),
    ("priya.nair@example.org", "Priya Nair", {Role.LEARNER}, "Emergency Department"),
    ("liam.murphy@example.org", "Liam Murphy", {Role.LEARNER}, "Emergency Department"),
]


def create_demo_accounts() -> int:
    """Create the missing demo accounts; returns how many were created (the caller commits)."""
    existing = set(db.session.scalars(select(User.email)))
    created = 0
    for email, name, roles, department in DEMO_ACCOUNTS:
        if email in existing:
            continue
        user = accounts.create_user(
            email, name, DEMO_PASSWORD, roles, department, judge_password=False
        )
        if Role.MANAGER in roles and department:
            user.managed_departments = [accounts.get_or_create_department(department)]
        created += 1
    return created
