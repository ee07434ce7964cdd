"""Exemptions: a manager exempts a learner from an assigned module, with a reason and an
optional end date; the row reads "Exempt" everywhere, leaves the rates, and gets no reminders."""

import csv
import io
import re
from datetime import datetime, timedelta

import pytest
from route_rules import EXEMPTION_PAGES, concrete, rules_of
from sqlalchemy import func, select

from course.extensions import db
from course.models import Assignment, AuditEvent, Exemption, OutboxMessage, Role
from course.models.types import utcnow
from course.services import clock, due_dates, exemptions, mail, notifications, progress, reports
from course.services.scope import Scope, scope_for

from .helpers import assign, complete, module

ALL = Scope(None)


def _exempt(ward, who="learner", reason="On long-term leave", ends_on=None, today=None):
    return exemptions.grant(
        ward["manager"].id,
        scope_for(ward["manager"]),
        ward[who].id,
        module().id,
        reason,
        ends_on,
        today=today,
    )


def _assign_overdue(ward, days_late=2):
    """Ward A's module, due `days_late` days ago (an assignment is never made in the past)."""
    assign(ward["manager"])
    db.session.execute(
        db.update(Assignment).values(due_on=clock.today() - timedelta(days=days_late))
    )
    due_dates.refresh_due()
    db.session.commit()


def _statuses(now=None):
    rows = reports.iter_rows(ALL, reports.Filters(module_id=module().id), now=now)
    return {row.email: (row.status, row.exempt_reason, row.exempt_until) for row in rows}


def test_an_exempt_row_reads_exempt_with_its_reason_and_leaves_the_rates(ward):
    _assign_overdue(ward)
    complete(ward["colleague"].id)
    _exempt(ward)
    db.session.commit()
    statuses = _statuses()
    assert statuses["sofia@example.org"] == (reports.Status.EXEMPT, "On long-term leave", None)
    assert statuses["jonas@example.org"][0] is reports.Status.COMPLETED
    assert statuses["maya@example.org"][0] is reports.Status.OVERDUE
    summary = reports.summary(ALL, reports.Filters())
    assert summary.counts[reports.Status.EXEMPT] == 1
    # Three rows, one exempt: the rates count two (one completed of two), overdue one.
    assert (summary.assigned, summary.completion_percent, summary.overdue) == (2, 50, 1)
    assert [(r.assigned, r.completed) for r in summary.by_module] == [(2, 1)]
    assert [(r.assigned, r.completed) for r in summary.by_department] == [(2, 1)]
    # The page counts every row, the exempt one too.
    assert reports.page(ALL, reports.Filters(), counts=summary.counts).total == 3
    exempt_only = reports.Filters(status=reports.Status.EXEMPT)
    assert [r.email for r in reports.page(ALL, exempt_only).rows] == ["sofia@example.org"]
    # The learner's dashboard reads the same rule, with the reason.
    due = reports.assigned_to(ward["learner"].id)[module().id]
    assert (due.status, due.exempt_reason) == (reports.Status.EXEMPT, "On long-term leave")
    card = progress.card(ward["learner"].id, module().id)
    assert card.exempt
    assert not card.overdue


def test_the_row_is_back_to_its_status_the_day_after_the_end_in_the_organisations_zone(app, ward):
    # UTC+14: at noon UTC on 1 March it is already 2 March for the organisation.
    app.config["ORGANISATION_TIME_ZONE"] = "Pacific/Kiritimati"
    now = utcnow().replace(hour=12, minute=0, second=0, microsecond=0)
    org_today = clock.today(now)
    assert org_today == now.date() + timedelta(days=1)
    _assign_overdue(ward, 10)
    _exempt(ward, ends_on=org_today, today=org_today)
    db.session.commit()
    assert _statuses(now)["sofia@example.org"][0] is reports.Status.EXEMPT
    assert _statuses(now)["sofia@example.org"][2] == org_today
    # Midnight starting the day after the end in Kiritimati: overdue again, though in UTC it
    # is still the end date.
    next_day = clock.start_of_day(org_today + timedelta(days=1))
    assert next_day.date() == org_today
    assert _statuses(next_day)["sofia@example.org"] == (reports.Status.OVERDUE, None, None)
    assert _statuses(next_day - timedelta(seconds=1))["sofia@example.org"][0] is (
        reports.Status.EXEMPT
    )


@pytest.mark.parametrize(
    ("who", "reason", "days", "field", "message"),
    [
        ("learner", "   ", None, "reason", "Give the reason"),
        ("learner", "x" * 501, None, "reason", "at most 500"),
        ("learner", "Leave", -1, "ends_on", "today"),
        ("outsider", "Leave", None, None, "no such learner in your departments"),
    ],
)
def test_refused_exemptions_name_the_field_and_change_nothing(
    ward, who, reason, days, field, message
):
    assign(ward["manager"])
    ends_on = clock.today() + timedelta(days=days) if days is not None else None
    with pytest.raises(exemptions.ExemptionError, match=message) as refused:
        _exempt(ward, who=who, reason=reason, ends_on=ends_on)
    assert refused.value.field == field
    db.session.rollback()
    assert db.session.scalar(select(func.count(Exemption.id))) == 0


def test_only_an_assigned_module_can_be_exempted(ward):
    with pytest.raises(exemptions.ExemptionError, match="not assigned"):
        _exempt(ward)


def test_changing_and_lifting_keep_the_records_with_audit_lines(ward):
    assign(ward["manager"])
    _exempt(ward, reason="Leave")
    _exempt(ward, reason="Leave, extended", ends_on=clock.today() + timedelta(days=30))
    exemptions.lift(ward["manager"].id, scope_for(ward["manager"]), ward["learner"].id, module().id)
    db.session.commit()
    rows = db.session.scalars(select(Exemption).order_by(Exemption.id)).all()
    assert [(r.reason, r.lifted_at is not None) for r in rows] == [
        ("Leave", True),
        ("Leave, extended", True),
    ]
    actions = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.action.like("exemption.%"))
    ).all()
    assert sorted(actions) == ["exemption.change", "exemption.grant", "exemption.lift"]
    assert _statuses()["sofia@example.org"][0] is reports.Status.NOT_STARTED


def test_no_reminders_for_an_exempt_requirement(ward):
    assign(ward["manager"], days=7)  # due-soon reminders 7 days before
    _exempt(ward)
    db.session.execute(db.delete(OutboxMessage))
    db.session.commit()
    notifications.enqueue_reminders()
    db.session.commit()
    reminded = db.session.scalars(
        select(OutboxMessage.user_id).where(OutboxMessage.kind == "due_soon")
    ).all()
    assert ward["learner"].id not in reminded
    assert ward["colleague"].id in reminded
    # A reminder written before the exemption is not sent after it.
    colleague_message = db.session.scalar(
        select(OutboxMessage).where(OutboxMessage.user_id == ward["colleague"].id)
    )
    _exempt(ward, who="colleague")
    db.session.commit()
    with pytest.raises(mail.Skip, match="exempt"):
        notifications.KINDS["due_soon"].context(colleague_message, {})


# -- through the pages ---------------------------------------------------------------------


def _url(ward, who="learner"):
    return f"/reports/exemptions/{ward[who].id}/{module().id}"


def test_a_manager_exempts_from_the_report_and_every_output_says_exempt(ward, client, auth):
    _assign_overdue(ward)
    auth.sign_in(ward["manager"])
    report = client.get("/reports/").get_data(as_text=True)
    assert f'href="{_url(ward)}"' in report
    page = client.get(_url(ward))
    assert page.status_code == 200
    response = client.post(_url(ward), data={"reason": "Maternity leave", "ends_on": ""})
    assert response.status_code == 302
    report = client.get("/reports/?status=exempt").get_data(as_text=True)
    assert "Maternity leave" in report
    assert "badge-exempt" in report
    assert "exempt left out" in client.get("/reports/").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(client.get("/reports/export.csv").get_data(True))))
    mine = next(r for r in rows if r["Email"] == "sofia@example.org")
    assert (mine["Status"], mine["Exemption reason"]) == ("Exempt", "Maternity leave")
    learner_page = client.get(f"/reports/learners/{ward['learner'].id}").get_data(as_text=True)
    assert "Exempt" in learner_page
    auth.sign_out()
    auth.sign_in(ward["learner"])
    dashboard = client.get("/").get_data(as_text=True)
    assert "You are exempt from this module" in dashboard
    assert "Maternity leave" in dashboard


def test_the_form_keeps_what_was_typed_and_shows_errors_next_to_fields(ward, client, auth):
    assign(ward["manager"])
    auth.sign_in(ward["manager"])
    response = client.post(_url(ward), data={"reason": "", "ends_on": "2020-01-01"})
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "Give the reason for the exemption." in text
    response = client.post(_url(ward), data={"reason": "Leave", "ends_on": "2020-01-01"})
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "The end date must be today" in text
    assert re.search(r"<textarea[^>]*>\s*Leave</textarea>", text), text[text.find("<form") :][:1500]
    assert db.session.scalar(select(func.count(Exemption.id))) == 0


def test_every_exemption_route_is_listed_and_checked_per_role(ward, client, auth, make_user):
    listed = {(r, m) for r, m in rules_of("reports") if "/exemptions/" in r}
    assert listed == EXEMPTION_PAGES
    assign(ward["manager"])
    values = {"user_id": ward["learner"].id, "module_id": module().id}
    expected = [(None, 302), (Role.LEARNER, 403), (Role.TRAINER, 403), ("other", 404)]
    for who, status in expected:
        if who == "other":
            auth.sign_in(ward["other_manager"])
        elif who is not None:
            auth.sign_in(make_user(roles={who}))
        for rule, method in sorted(EXEMPTION_PAGES):
            response = client.open(concrete(rule, values), method=method, data={"reason": "x"})
            assert response.status_code == status, (who, rule, method)
        auth.sign_out()
    assert db.session.scalar(select(func.count(Exemption.id))) == 0


def test_who_may_exempt(ward, client, auth, make_user):
    assign(ward["manager"])
    assign(ward["other_manager"], department_name="Ward B")
    auth.sign_in(ward["other_manager"])  # a manager of another department: no such page
    assert client.get(_url(ward)).status_code == 404
    assert client.post(_url(ward), data={"reason": "x"}).status_code == 404
    assert client.post(_url(ward) + "/lift").status_code == 404
    auth.sign_out()
    for role in (Role.LEARNER, Role.TRAINER):
        auth.sign_in(make_user(roles={role}))
        assert client.get(_url(ward)).status_code == 403
        assert client.post(_url(ward), data={"reason": "x"}).status_code == 403
        auth.sign_out()
    admin = make_user(email="ada@example.org", roles={Role.ADMIN}, department="Ward B")
    auth.sign_in(admin)  # admins: everyone
    assert client.post(_url(ward, "outsider"), data={"reason": "Leave"}).status_code == 302
    assert client.post(_url(ward), data={"reason": "Leave"}).status_code == 302
    # A module not assigned to the learner: no such page.
    assert client.get(f"/reports/exemptions/{ward['learner'].id}/999999").status_code == 404
    assert db.session.scalar(select(func.count(Exemption.id))) == 2


def test_exemption_forms_need_their_csrf_token(app, ward, client, auth):
    assign(ward["manager"])
    auth.sign_in(ward["manager"])
    app.config["WTF_CSRF_ENABLED"] = True
    assert client.post(_url(ward), data={"reason": "Forged"}).status_code in (400, 422)
    assert client.post(_url(ward) + "/lift").status_code == 400
    assert db.session.scalar(select(func.count(Exemption.id))) == 0
    page = client.get(_url(ward)).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)[1]
    response = client.post(_url(ward), data={"reason": "Real", "csrf_token": token})
    assert response.status_code == 302


def test_lifting_from_the_page(ward, client, auth):
    assign(ward["manager"])
    _exempt(ward)
    db.session.commit()
    auth.sign_in(ward["manager"])
    assert "End the exemption now" in client.get(_url(ward)).get_data(as_text=True)
    assert client.post(_url(ward) + "/lift").status_code == 302
    assert exemptions.current(ward["learner"].id, module().id) is None


def test_the_report_costs_the_same_statements_with_many_exempt_rows(
    ward, client, auth, count_queries, make_user
):
    _assign_overdue(ward)
    auth.sign_in(ward["manager"])

    def statements():
        db.session.expire_all()
        with count_queries() as queries:
            assert client.get("/reports/").status_code == 200
            client.get("/reports/export.csv").get_data()
        return len(queries)

    _exempt(ward)
    db.session.commit()
    few = statements()
    for n in range(8):
        make_user(email=f"n{n}@example.org", name=f"Nurse {n}")
    due_dates.refresh_due()
    for n in range(8):
        learner = db.session.scalar(
            select(reports.User).where(reports.User.email == f"n{n}@example.org")
        )
        exemptions.grant(
            ward["manager"].id, scope_for(ward["manager"]), learner.id, module().id, "Leave"
        )
    db.session.commit()
    assert statements() == few


def test_a_completed_learner_who_is_exempt_still_has_the_completion_on_record(ward):
    assign(ward["manager"])
    complete(ward["learner"].id)
    _exempt(ward)
    db.session.commit()
    assert _statuses()["sofia@example.org"][0] is reports.Status.EXEMPT
    assert progress.card(ward["learner"].id, module().id).completed_at is not None
    assert isinstance(progress.card(ward["learner"].id, module().id).completed_at, datetime)
