"""Dates are decided in the organisation's zone; each person reads times in their own."""

from datetime import datetime

import pytest
from sqlalchemy import select

from course.extensions import db
from course.models import AuditEvent, Role, User
from course.services import clock
from course.templating import date_text, time_text


@pytest.mark.parametrize("role", list(Role))
def test_every_role_has_an_account_page(client, auth, make_user, role):
    auth.sign_in(make_user(roles={role}))
    page = client.get("/account")
    assert page.status_code == 200
    assert "Show times in this time zone" in page.get_data(as_text=True)


def test_the_account_page_needs_sign_in(client):
    assert client.get("/account").status_code == 302


def test_a_person_chooses_their_zone_and_a_bad_one_is_refused_next_to_the_field(
    client, auth, learner
):
    auth.sign_in(learner)
    bad = client.post("/account", data={"time_zone": "Mars/Olympus"})
    assert bad.status_code == 422
    page = bad.get_data(as_text=True)
    assert "Choose a time zone from the list" in page
    assert 'value="Mars/Olympus"' in page  # what was typed is kept
    assert client.post("/account", data={"time_zone": "Asia/Tokyo"}).status_code == 302
    assert db.session.get(User, learner.id).time_zone == "Asia/Tokyo"
    assert (
        db.session.scalar(
            select(AuditEvent.action)
            .where(AuditEvent.subject == f"user:{learner.id}")
            .order_by(AuditEvent.id.desc())
        )
        == "user.time_zone"
    )
    assert client.post("/account", data={"time_zone": ""}).status_code == 302
    assert db.session.get(User, learner.id).time_zone is None


def test_today_is_the_organisations_date_not_utcs(app):
    app.config["ORGANISATION_TIME_ZONE"] = "America/Los_Angeles"
    # 16:30 on 15 Dec in Los Angeles is 00:30 on 16 Dec in UTC.
    assert clock.today(datetime(2026, 12, 16, 0, 30)) == datetime(2026, 12, 15).date()
    app.config["ORGANISATION_TIME_ZONE"] = "Asia/Tokyo"
    assert clock.today(datetime(2026, 12, 15, 16, 0)) == datetime(2026, 12, 16).date()


def test_pages_print_times_in_the_viewers_zone_with_its_name(app, make_user):
    app.config["ORGANISATION_TIME_ZONE"] = "America/Los_Angeles"
    moment = datetime(2026, 12, 16, 0, 30)  # stored UTC
    with app.test_request_context():
        assert time_text(moment) == "15 Dec 2026, 16:30 PST"
        assert date_text(moment) == "15 Dec 2026"
    user = make_user(roles={Role.LEARNER})
    user.time_zone = "Europe/Berlin"
    db.session.commit()
    client = app.test_client()
    client.post("/sign-in", data={"email": user.email, "password": "correct-horse-battery"})
    with client:
        client.get("/account")
        assert time_text(moment) == "16 Dec 2026, 01:30 CET"
        assert date_text(moment) == "15 Dec 2026"  # dates stay the organisation's


def test_an_unknown_organisation_zone_stops_the_app_with_its_name(tmp_path):
    from course import create_app
    from course.config import SettingsError

    with pytest.raises(SettingsError, match="ORGANISATION_TIME_ZONE='Atlantis/Capital'"):
        create_app(
            {"ORGANISATION_TIME_ZONE": "Atlantis/Capital", "SQLALCHEMY_DATABASE_URI": "sqlite://"}
        )
