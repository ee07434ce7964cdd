"""A demo organisation of many learners with random progress, for trying and benchmarking reports.

Fast by construction: one password hash for everyone, bulk INSERTs in batches, no ORM objects
per row. Never used by the product itself.
"""

import random
from datetime import timedelta

from sqlalchemy import func, insert, select

from ..extensions import db
from ..models import (
    Assignment,
    AttemptState,
    Department,
    LessonRead,
    Module,
    ModuleProgress,
    ModuleRevision,
    ProgressStatus,
    QuizAttempt,
    Role,
    User,
    UserRole,
)
from ..models.types import utcnow
from . import accounts, curriculum, due_dates
from .demo import DEMO_PASSWORD

BATCH = 5000
FIRST = ["Amara", "Jonas", "Sofía", "Wei", "Priya", "Liam", "Zoë", "Mateo", "Aisha", "Noah"]
LAST = ["Okafor", "Berg", "Álvarez", "Chen", "Nair", "Murphy", "Dubois", "Rossi", "Khan", "Smith"]


def _batches(rows: list[dict]):
    for start in range(0, len(rows), BATCH):
        yield rows[start : start + BATCH]


def generate(learners: int, departments: int = 10, seed: int = 1) -> dict:
    """Add `learners` learners in `departments` demo wards; returns what was made.

    With a manager of all of them, every published module assigned to every ward, and random
    progress. The caller commits.
    """
    rng = random.Random(seed)  # noqa: S311 (demo data, not secrets)
    now = utcnow()
    if not db.session.scalar(select(func.count()).where(Module.published_revision_id.is_not(None))):
        curriculum.load_curriculum()
    modules = db.session.execute(
        select(Module.id, ModuleRevision.number)
        .join(ModuleRevision, ModuleRevision.id == Module.published_revision_id)
        .order_by(Module.id)
    ).all()
    wards = [accounts.get_or_create_department(f"Demo Ward {i + 1}") for i in range(departments)]
    manager_email = "demo.manager@example.org"
    manager = db.session.scalar(select(User).where(User.email == manager_email))
    if manager is None:
        manager = accounts.create_user(
            manager_email,
            "Demo Manager",
            DEMO_PASSWORD,
            {Role.MANAGER, Role.LEARNER},
            wards[0].name,
            judge_password=False,
        )
    manager.managed_departments = list(
        {d.id: d for d in manager.managed_departments + wards}.values()
    )
    db.session.flush()

    start = (db.session.scalar(select(func.max(User.id))) or 0) + 1
    password_hash = accounts._hash(DEMO_PASSWORD)  # one hash for everyone: hashing is slow
    people = [
        {
            "email": f"learner{start + i}@demo.example.org",
            "name": f"{rng.choice(FIRST)} {rng.choice(LAST)} {start + i}",
            "password_hash": password_hash,
            "department_id": wards[i % departments].id,
            "active": True,
            "created_at": now,
        }
        for i in range(learners)
    ]
    user_ids: list[int] = []
    for batch in _batches(people):
        user_ids.extend(db.session.scalars(insert(User).returning(User.id), batch))
    for batch in _batches([{"user_id": uid, "role": Role.LEARNER} for uid in user_ids]):
        db.session.execute(insert(UserRole), batch)

    assignments = 0
    for ward in wards:
        for module_id, _number in modules:
            due = (now + timedelta(days=rng.randint(-30, 90))).date()
            db.session.add(
                Assignment(
                    module_id=module_id,
                    department_id=ward.id,
                    due_on=due,
                    recert_months=rng.choice([None, None, 12, 24]),
                    assigned_by_id=manager.id,
                )
            )
            assignments += 1

    progress, reads, attempts = [], [], []
    for uid in user_ids:
        for module_id, number in modules:
            roll = rng.random()
            if roll < 0.35:
                continue
            started = now - timedelta(days=rng.randint(1, 500), minutes=rng.randint(0, 1440))
            done = roll >= 0.6
            completed = started + timedelta(days=rng.randint(0, 3)) if done else None
            score = rng.randint(80, 100) if done else rng.choice([None, rng.randint(20, 70)])
            progress.append(
                {
                    "user_id": uid,
                    "module_id": module_id,
                    "status": ProgressStatus.COMPLETED if done else ProgressStatus.IN_PROGRESS,
                    "lessons_read": 3 if done else rng.randint(1, 2),
                    "exercises_passed": 0,
                    "best_score": score,
                    "started_at": started,
                    "last_activity_at": completed or started,
                    "completed_at": completed,
                    "completed_revision": number if done else None,
                }
            )
            if uid % 10 == 0:  # evidence for a tenth of the learners keeps this fast
                reads.append(
                    {
                        "user_id": uid,
                        "module_id": module_id,
                        "lesson_key": "lesson-1",
                        "revision_number": number,
                        "read_at": started,
                    }
                )
                if score is not None:
                    attempts.append(
                        {
                            "user_id": uid,
                            "module_id": module_id,
                            "revision_number": number,
                            "state": AttemptState.SUBMITTED,
                            "started_at": started,
                            "submitted_at": completed or started,
                            "questions": [],
                            "answers": {},
                            "correct_count": score // 20,
                            "question_count": 5,
                            "score": score,
                            "pass_mark": 80,
                            "passed": score >= 80,
                        }
                    )
    for model, rows in ((ModuleProgress, progress), (LessonRead, reads), (QuizAttempt, attempts)):
        for batch in _batches(rows):
            db.session.execute(insert(model), batch)
    due_dates.refresh_due(department_ids=[w.id for w in wards])
    return {
        "learners": learners,
        "departments": len(wards),
        "assignments": assignments,
        "progress": len(progress),
        "manager": manager_email,
        "department_ids": [d.id for d in wards],
    }


__all__ = ["Department", "generate"]
