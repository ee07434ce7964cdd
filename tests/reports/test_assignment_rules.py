"""Assignment rules: who they reach, when it is due, what follows a person's change, what a
withdrawal keeps, who may make them, and what it costs."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from course.extensions import db
from course.models import (
    AssignmentRule,
    AuditEvent,
    Certificate,
    ModuleProgress,
    QuizAttempt,
    Role,
    User,
)
from course.services import accounts, assignment_rules, clock, due_dates, reports, staff_import
from course.services.assignments import AssignmentError
from course.services.scope import scope_for

from .helpers import assign, complete, department, module

NURSE = "Registered Nurse"


def _due(user_id, slug="meet-the-experts"):
    db.session.expire_all()
    return db.session.execute(
        select(ModuleProgress.due_on, ModuleProgress.recert_months).where(
            ModuleProgress.user_id == user_id, ModuleProgress.module_id == module(slug).id
        )
    ).one_or_none()


def _rule(actor, days=30, recert=12, department_name="Ward A", job_title=NURSE, slugs=None):
    rule = assignment_rules.create(
        actor.id,
        scope_for(actor),
        [module(s).id for s in (slugs or ["meet-the-experts"])],
        days,
        recert,
        department_id=department(department_name).id if department_name else None,
        job_title=job_title,
    )
    db.session.commit()
    return rule


def _titled(user, title=NURSE, hired=None):
    accounts.update_user(
        user.id,
        name=user.name,
        email=user.email,
        department=user.department.name if user.department else None,
        roles=user.roles,
        active=True,
        managed_department_ids=[d.id for d in user.managed_departments],
        actor_id=None,
        job_title=title,
        hire_date=hired if hired is not None else accounts.KEEP,
    )
    db.session.commit()


@pytest.fixture
def admin(make_user):
    return make_user(email="ada@example.org", name="Ada Admin", roles={Role.ADMIN}, department=None)


def test_a_rule_reaches_its_job_title_in_its_department_in_any_case(ward, admin):
    _titled(ward["learner"], "registered NURSE")
    _titled(ward["outsider"], NURSE)  # Ward B
    rule = _rule(ward["manager"])
    today = clock.today()
    assert _due(ward["learner"].id) == (today + timedelta(days=30), 12)
    assert _due(ward["colleague"].id) is None  # Ward A, no job title
    assert _due(ward["outsider"].id) is None  # the title, another department
    assert rule.starts_on == today
    line = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "rule.create"))
    assert line.subject == f"rule:{rule.id}"
    assert "Registered Nurse in Ward A" in line.summary
    assert "recertify every 12 months" in line.summary
    # The status rule knows the rule's interval (a completion under it is not "expired").
    assert 12 in reports.recert_intervals()


def test_due_counts_from_the_later_of_hire_and_when_the_rule_began_to_apply(ward, admin):
    learner, colleague = ward["learner"], ward["colleague"]
    today = clock.today()
    _titled(learner, NURSE, hired=today + timedelta(days=10))  # starts next week
    _titled(colleague, NURSE, hired=date(2020, 1, 6))  # long in post
    rule = _rule(ward["manager"], days=30)
    assert _due(learner.id)[0] == today + timedelta(days=40)  # hire date is later
    assert _due(colleague.id)[0] == today + timedelta(days=30)  # the rule is later
    # A rule made long ago counts from the day the person took the title.
    rule.starts_on = date(2024, 1, 1)
    person = db.session.get(User, colleague.id)
    person.created_at -= timedelta(days=900)  # in the organisation and the ward for years
    person.department_since = date(2023, 1, 1)
    person.job_title_since = today - timedelta(days=5)
    db.session.flush()
    due_dates.refresh_due(user_ids=[colleague.id])
    db.session.commit()
    assert _due(colleague.id)[0] == today + timedelta(days=25)


def test_people_created_moved_or_retitled_get_the_rule_at_once(ward, admin, make_user):
    _rule(admin, department_name=None, job_title=NURSE)  # the title in every department
    created = accounts.create_user(
        "new.nurse@example.org", "New Nurse", None, {Role.LEARNER}, "Ward B", job_title=NURSE
    )
    db.session.commit()
    assert _due(created.id) is not None
    _titled(ward["colleague"], "registered nurse")  # the admin's account edit
    assert _due(ward["colleague"].id) is not None
    _titled(ward["colleague"], "Porter")  # no longer matches: nothing pending stays
    assert _due(ward["colleague"].id) is None


def test_a_department_rule_reaches_whoever_moves_in(ward, admin):
    _rule(ward["manager"], job_title=None)  # everyone in Ward A
    outsider = ward["outsider"]
    assert _due(outsider.id) is None
    accounts.update_user(
        outsider.id,
        name=outsider.name,
        email=outsider.email,
        department="Ward A",
        roles=outsider.roles,
        active=True,
        actor_id=admin.id,
    )
    db.session.commit()
    assert _due(outsider.id)[0] == clock.today() + timedelta(days=30)
    assert db.session.get(User, outsider.id).department_since == clock.today()


def test_a_staff_import_gives_new_and_retitled_people_the_rule(ward, admin):
    _rule(ward["manager"])
    text = (
        "employee_id,email,name,department,job_title,hire_date\n"
        "N1,ines.new@example.org,Ines New,Ward A,Registered Nurse,2026-01-05\n"
        f"N2,{ward['colleague'].email},Jonas Berg,Ward A,Registered Nurse,\n"
        "N3,otto.porter@example.org,Otto Porter,Ward A,Porter,\n"
    )
    data = text.encode()
    plan = staff_import.preview(staff_import.read_file("staff.csv", data), actor_id=admin.id)
    record = staff_import.store(plan, "staff.csv", data, admin.id, False)
    staff_import.apply(record, admin.id)
    db.session.commit()
    people = {u.email: u for u in db.session.scalars(select(User))}
    assert _due(people["ines.new@example.org"].id) is not None
    assert people["ines.new@example.org"].job_title_since == clock.today()
    assert people["ines.new@example.org"].department_since == clock.today()
    assert _due(ward["colleague"].id) is not None  # retitled by the import
    assert _due(people["otto.porter@example.org"].id) is None


def test_sso_provisioned_people_get_the_rule(ward, admin):
    """Single sign-on creates accounts through accounts.create_user: the rule follows."""
    _rule(ward["manager"], job_title=None)
    from course.services import sso

    person = sso.Identity(
        email="sso.nurse@example.org",
        name="Sso Nurse",
        employee_id=None,
        department="Ward A",
        roles=None,
        manages=(),
    )
    user = sso._create(person, "test")
    db.session.commit()
    assert _due(user.id) is not None


def test_a_rule_edit_recomputes_due_dates_and_is_audited(ward):
    _titled(ward["learner"])
    rule = _rule(ward["manager"], days=30, recert=None)
    assignment_rules.change(ward["manager"].id, scope_for(ward["manager"]), rule.id, 60, 24)
    db.session.commit()
    assert _due(ward["learner"].id) == (clock.today() + timedelta(days=60), 24)
    line = db.session.scalar(select(AuditEvent.summary).where(AuditEvent.action == "rule.update"))
    assert "due 30 to 60 days" in line
    assert "recertify every never to 24 months" in line


def test_the_earliest_of_an_assignment_and_a_rule_counts(ward):
    _titled(ward["learner"])
    _rule(ward["manager"], days=300)
    assign(ward["manager"], days=14)
    db.session.commit()
    assert _due(ward["learner"].id)[0] == clock.today() + timedelta(days=14)


def test_withdrawing_removes_only_pending_requirements(ward):
    learner, colleague = ward["learner"], ward["colleague"]
    _rule(ward["manager"], job_title=None, recert=12)
    complete(learner.id)
    db.session.commit()
    certificate = db.session.scalar(select(Certificate).where(Certificate.user_id == learner.id))
    assert certificate.expires_at is not None  # the rule's recertification counted
    attempts = db.session.scalar(select(func.count(QuizAttempt.id)))
    rule_id = db.session.scalar(select(AssignmentRule.id))
    described = assignment_rules.withdraw(ward["manager"].id, scope_for(ward["manager"]), rule_id)
    db.session.commit()
    assert "Meet" in described
    assert "everyone in Ward A" in described
    assert _due(colleague.id) is None  # nothing was done: the row is gone
    db.session.expire_all()
    kept = db.session.scalar(select(ModuleProgress).where(ModuleProgress.user_id == learner.id))
    assert kept.completed_at is not None
    assert kept.due_on is None
    assert db.session.scalar(select(func.count(Certificate.id))) == 1
    assert db.session.scalar(select(func.count(QuizAttempt.id))) == attempts
    rule = db.session.get(AssignmentRule, rule_id)
    assert rule.withdrawn_at is not None
    assert rule.withdrawn_by_id == ward["manager"].id
    line = db.session.scalar(select(AuditEvent.subject).where(AuditEvent.action == "rule.withdraw"))
    assert line == f"rule:{rule_id}"
    with pytest.raises(AssignmentError, match="withdrawn"):
        assignment_rules.change(ward["manager"].id, scope_for(ward["manager"]), rule_id, 5, None)


def test_another_assignment_keeps_what_a_withdrawn_rule_also_asked(ward):
    _rule(ward["manager"], job_title=None, days=5)
    assign(ward["manager"], days=20)
    db.session.commit()
    rule_id = db.session.scalar(select(AssignmentRule.id))
    assignment_rules.withdraw(ward["manager"].id, scope_for(ward["manager"]), rule_id)
    db.session.commit()
    assert _due(ward["colleague"].id)[0] == clock.today() + timedelta(days=20)


@pytest.mark.parametrize(
    ("department_name", "job_title", "field"),
    [
        (None, None, "department"),  # everyone
        (None, NURSE, "department"),  # a title in every department
        ("Ward B", NURSE, "department"),  # another manager's department
    ],
)
def test_a_manager_makes_rules_only_for_their_departments(ward, department_name, job_title, field):
    with pytest.raises(AssignmentError) as refused:
        _rule(ward["manager"], department_name=department_name, job_title=job_title)
    assert refused.value.field == field
    db.session.rollback()
    assert db.session.scalar(select(func.count(AssignmentRule.id))) == 0


def test_an_admin_makes_a_rule_for_everyone(ward, admin):
    _rule(admin, department_name=None, job_title=None)
    for person in ("learner", "colleague", "outsider", "manager"):
        assert _due(ward[person].id) is not None, person


def test_other_managers_cannot_touch_a_rule(ward):
    rule = _rule(ward["manager"])
    other = scope_for(ward["other_manager"])
    assert assignment_rules.rule_in_scope(other, rule.id) is None
    with pytest.raises(AssignmentError):
        assignment_rules.change(ward["other_manager"].id, other, rule.id, 1, None)
    with pytest.raises(AssignmentError):
        assignment_rules.withdraw(ward["other_manager"].id, other, rule.id)


@pytest.mark.parametrize(
    ("days", "recert", "field"),
    [(-1, None, "due_days"), (731, None, "due_days"), (1, 0, "recert_months")],
)
def test_values_out_of_range_are_refused_by_field(ward, days, recert, field):
    with pytest.raises(AssignmentError) as refused:
        _rule(ward["manager"], days=days, recert=recert)
    assert refused.value.field == field


def test_refresh_due_costs_the_same_statements_however_many_people(ward, admin, count_queries):
    _rule(ward["manager"], job_title=None, slugs=["meet-the-experts"])
    _rule(admin, department_name=None, job_title=NURSE)

    def statements() -> int:
        with count_queries() as queries:
            due_dates.refresh_due()
            db.session.commit()
        return len(queries)

    few = statements()
    for number in range(40):
        accounts.create_user(
            f"many{number}@example.org", f"Many {number}", None, {Role.LEARNER}, "Ward A",
            job_title=NURSE if number % 2 else None,
        )  # fmt: skip
    db.session.commit()
    assert statements() == few
    reached = db.session.scalar(
        select(func.count(ModuleProgress.user_id)).where(ModuleProgress.due_on.is_not(None))
    )
    assert reached >= 40


def test_a_department_rule_counts_from_the_organisations_day_they_joined(ward):
    """Not from the account's UTC creation day, which may already be tomorrow in UTC."""
    learner = db.session.get(User, ward["learner"].id)
    learner.created_at += timedelta(days=1)  # created late in the evening west of UTC
    learner.department_since = clock.today()
    db.session.commit()
    _rule(ward["manager"], job_title=None, days=30)
    assert _due(learner.id)[0] == clock.today() + timedelta(days=30)
