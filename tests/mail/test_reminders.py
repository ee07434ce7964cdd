"""Reminders over a simulated month with a fixed clock, in the organisation's time zone:
each one exactly once, on the right day; and a fixed number of statements."""

from datetime import datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from course.extensions import db
from course.models import Module, ModuleProgress, OutboxMessage, ProgressStatus
from course.services import accounts, assignment_rules, assignments, clock, notifications
from course.services.scope import scope_for

ZONE = "America/Los_Angeles"


def module_id(slug):
    return db.session.scalar(select(Module.id).where(Module.slug == slug))


def complete(user_id, slug, at):
    row = db.session.get(ModuleProgress, (user_id, module_id(slug)))
    row.status, row.completed_at = ProgressStatus.COMPLETED, at
    db.session.commit()


def test_each_reminder_once_on_its_day_in_the_organisations_zone(app, ward, assign):
    app.config["ORGANISATION_TIME_ZONE"] = ZONE
    manager, (first, second, third) = ward
    manager.digest_weekday = 2  # Wednesday
    today = clock.today()
    due = today + timedelta(days=10)
    assign("hands-on-training", due_on=due)  # the defaults: 7 and 1 days before; 7, 3 times
    own_due = today + timedelta(days=6)
    assignments.assign(
        manager.id,
        scope_for(manager),
        [module_id("meet-the-experts")],
        own_due,
        user_ids=[first.id],
        remind_before="3",
        overdue_every=2,
        overdue_times=2,
    )
    assign("ongoing-support", due_on=today + timedelta(days=60), recert_months=2)
    # The third learner completed it five days ago, late in the evening in Los Angeles
    # (already the next day in UTC).
    done_at = clock.start_of_day(today - timedelta(days=5)) + timedelta(hours=23)
    complete(third.id, "ongoing-support", done_at)
    expires = clock.expires_on(done_at, 2)
    db.session.commit()
    db.session.execute(db.delete(OutboxMessage))  # the assignment messages: not reminders
    db.session.commit()

    found: dict[tuple, list] = {}
    start = clock.start_of_day(today)
    for hour in range(0, 36 * 24, 5):  # a run every 5 hours for 36 days
        now = start + timedelta(hours=hour)
        day = clock.today(now)
        if day == due - timedelta(days=3) and not hasattr(second, "_done"):
            complete(second.id, "hands-on-training", now)
            second._done = True
        before = db.session.scalar(select(func.coalesce(func.max(OutboxMessage.id), 0)))
        notifications.enqueue_reminders(now)
        db.session.commit()
        for message in db.session.scalars(select(OutboxMessage).where(OutboxMessage.id > before)):
            title = message.module_id or message.department_id
            found.setdefault((message.kind, message.user_id, title), []).append(day)

    hands_on, experts, support = (
        module_id(s) for s in ("hands-on-training", "meet-the-experts", "ongoing-support")
    )
    days = timedelta
    expected = {
        ("due_soon", first.id, hands_on): [due - days(7), due - days(1)],
        ("overdue", first.id, hands_on): [due + days(1), due + days(8), due + days(15)],
        ("due_soon", third.id, hands_on): [due - days(7), due - days(1)],
        ("overdue", third.id, hands_on): [due + days(1), due + days(8), due + days(15)],
        ("due_soon", second.id, hands_on): [due - days(7)],  # completed before the second
        ("due_soon", first.id, experts): [own_due - days(3)],
        ("overdue", first.id, experts): [own_due + days(1), own_due + days(3)],
        ("expiring", third.id, support): [expires - days(30)],
        ("due_soon", first.id, support): [today + days(53)][:0],  # beyond the month
        ("digest", manager.id, first.department_id): [
            today + days(n) for n in range(36) if (today + days(n)).weekday() == 2
        ],
    }
    expected = {key: value for key, value in expected.items() if value}
    assert found == expected


def test_running_twice_on_one_day_adds_nothing(app, ward, assign):
    today = clock.today()
    assign(due_on=today + timedelta(days=7))
    now = datetime.combine(today, time(12))
    first = notifications.enqueue_reminders(now)
    db.session.commit()
    again = notifications.enqueue_reminders(now + timedelta(hours=3))
    db.session.commit()
    assert first.due_soon == 3
    assert again.total == 0


def test_deactivated_learners_get_no_reminders(app, ward, assign):
    _, (first, *_rest) = ward
    today = clock.today()
    assign(due_on=today + timedelta(days=1))
    first.active = False
    db.session.commit()
    report = notifications.enqueue_reminders()
    db.session.commit()
    assert report.due_soon == 2


@pytest.mark.parametrize("learners", [10, 60])
def test_reminders_take_a_fixed_number_of_statements(app, curriculum, make_user, count_queries,
                                                     learners):  # fmt: skip
    from course.models import Role

    manager = make_user(email="m@example.org", roles={Role.MANAGER}, department="Office")
    accounts.set_manager(manager.email, ["Ward A", "Ward B"])
    db.session.commit()
    people = [make_user(department="Ward A" if n % 2 else "Ward B") for n in range(learners)]
    today = clock.today()
    scope = scope_for(manager)
    modules = [module_id(s) for s in ("hands-on-training", "meet-the-experts", "ongoing-support")]
    for department in {p.department_id for p in people}:
        assignments.assign(manager.id, scope, modules[:2], today + timedelta(days=7),
                           department_id=department)  # fmt: skip
    assignments.assign(manager.id, scope, modules[2:], today + timedelta(days=1),
                       user_ids=[p.id for p in people[::3]], remind_before="1",
                       recert_months=12)  # fmt: skip
    manager.digest_weekday = today.weekday()
    db.session.commit()
    with count_queries() as statements:
        report = notifications.enqueue_reminders()
    db.session.commit()
    assert report.due_soon == 2 * learners + len(people[::3])
    assert report.digests == 2
    assert len(statements) == 7


def test_a_rules_requirement_gets_the_default_reminders(app, ward):
    """Nobody assigned it, an assignment rule did: reminders and the expiry warning follow the
    assignments' default schedule, once each, keyed by the module."""

    manager, (first, second, _third) = ward
    today = clock.today()
    assert notifications.RULE_SCHEDULE == (
        assignments.DEFAULT_REMIND_BEFORE,
        assignments.DEFAULT_OVERDUE_EVERY,
        assignments.DEFAULT_OVERDUE_TIMES,
    )
    assignment_rules.create(
        manager.id,
        scope_for(manager),
        [module_id("hands-on-training"), module_id("ongoing-support")],
        7,
        2,
        department_id=first.department_id,
    )
    db.session.commit()
    done_at = clock.start_of_day(today - timedelta(days=25)) + timedelta(hours=12)
    complete(second.id, "ongoing-support", done_at)
    warned_on = clock.expires_on(done_at, 2) - timedelta(days=30)
    found: dict[tuple, list] = {}
    start = clock.start_of_day(today)
    for day in range(0, 20):
        now = start + timedelta(days=day, hours=12)
        before = db.session.scalar(select(func.coalesce(func.max(OutboxMessage.id), 0)))
        notifications.enqueue_reminders(now)
        notifications.enqueue_reminders(now + timedelta(hours=1))  # a second run adds nothing
        db.session.commit()
        for message in db.session.scalars(select(OutboxMessage).where(OutboxMessage.id > before)):
            if message.kind == "overdue" and message.module_id == module_id("hands-on-training"):
                text = notifications.compose(message).text  # no assignment behind it
                assert "reminder 1 of 3" in text or "reminder 2 of 3" in text
            if message.kind in ("due_soon", "overdue", "expiring"):
                found.setdefault((message.kind, message.user_id, message.module_id), []).append(
                    clock.today(now)
                )
    due = today + timedelta(days=7)
    hands_on, support = module_id("hands-on-training"), module_id("ongoing-support")
    assert found[("due_soon", first.id, hands_on)] == [today, due - timedelta(days=1)]
    assert found[("overdue", first.id, hands_on)] == [
        due + timedelta(days=1),
        due + timedelta(days=8),
    ]
    assert found[("due_soon", first.id, support)] == [today, due - timedelta(days=1)]
    assert today < warned_on < today + timedelta(days=20)
    assert found[("expiring", second.id, support)] == [warned_on]
