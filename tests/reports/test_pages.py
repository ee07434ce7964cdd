"""The managers' pages through the test client: who may open what, by URL."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from course.extensions import db
from course.models import Assignment, AuditEvent, Certificate, Role
from course.models.types import utcnow
from course.services import due_dates, reports
from course.templating import date_text

from .helpers import assign, complete, module


def _urls(ward, certificate_code="nothing", rule_id=1):
    learner = ward["learner"]
    return [
        "/reports/",
        "/reports/assignments/new",
        f"/reports/learners/{learner.id}",
        "/reports/export.csv",
        "/reports/export.xlsx",
        "/reports/evidence.csv",
        "/reports/evidence.xlsx",
        f"/reports/evidence.csv?learner={learner.id}",
        f"/reports/evidence.xlsx?learner={learner.id}",
        "/reports/profile",
        "/reports/audit",
        "/reports/audit.csv",
        "/reports/assignments",
        "/reports/policies",
        "/reports/policies/export.csv",
        "/reports/policies/assign",
        "/reports/assignments/rules/new",
        f"/reports/assignments/rules/{rule_id}",
        f"/reports/assignments/rules/{rule_id}/withdraw",
    ]


def test_manager_pages_need_sign_in(ward, client):
    for url in _urls(ward):
        response = client.get(url)
        assert response.status_code == 302, url
        assert "/sign-in" in response.headers["Location"]


@pytest.mark.parametrize("role", [Role.LEARNER, Role.TRAINER])
def test_other_roles_get_403_on_every_manager_url(ward, client, auth, make_user, role):
    auth.sign_in(make_user(roles={role}))
    for url in _urls(ward):
        assert client.get(url).status_code == 403, url
    assert client.post("/reports/assignments/new", data={}).status_code == 403
    assert client.post("/reports/policies/assign", data={}).status_code == 403
    assert client.post("/reports/profile/tokens", data={"name": "x"}).status_code == 403
    assert client.post("/reports/assignments/rules/new", data={}).status_code == 403
    assert client.post("/reports/assignments/rules/1", data={}).status_code == 403
    assert client.post("/reports/assignments/rules/1/withdraw", data={}).status_code == 403


def test_manager_of_another_department_sees_nothing_of_ward_a(ward, client, auth):
    assign(ward["manager"])
    complete(ward["learner"].id)
    auth.sign_in(ward["other_manager"])
    learner = ward["learner"]
    page = client.get("/reports/").get_data(as_text=True)
    assert "Sofía" not in page
    assert "Ward A" not in page
    assert client.get(f"/reports/learners/{learner.id}").status_code == 404
    assert client.get(f"/reports/evidence.csv?learner={learner.id}").status_code == 404
    assert client.get(f"/reports/evidence.xlsx?learner={learner.id}").status_code == 404
    csv = client.get("/reports/export.csv").get_data(as_text=True)
    assert "Sofía" not in csv
    evidence = client.get("/reports/evidence.csv").get_data(as_text=True)
    assert "Sofía" not in evidence
    # Filtering by the other department's id is refused, not honoured.
    ward_a = learner.department_id
    assert client.get(f"/reports/?department={ward_a}").status_code == 400
    assert client.get(f"/reports/export.csv?department={ward_a}").status_code == 400
    code = db.session.scalar(select(Certificate.code))
    assert client.get(f"/certificates/{code}.pdf").status_code == 404


def test_learner_cannot_download_someone_elses_certificate(ward, client, auth):
    complete(ward["learner"].id)
    code = db.session.scalar(select(Certificate.code))
    auth.sign_in(ward["colleague"])
    assert client.get(f"/certificates/{code}.pdf").status_code == 404
    assert "Sofía" not in client.get("/certificates").get_data(as_text=True)


def test_the_whole_journey(ward, client, auth):
    """Assign with a due date; the learner sees it, completes it; the manager sees it in the
    report and CSV, downloads the certificate, and the public page verifies it."""
    manager, learner = ward["manager"], ward["learner"]
    auth.sign_in(manager)
    due = (utcnow() + timedelta(days=20)).date()
    response = client.post(
        "/reports/assignments/new",
        data={
            "modules": [str(module().id)],
            "target": "department",
            "department": str(learner.department_id),
            "due_on": due.isoformat(),
            "recert_months": "12",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    assert db.session.scalar(select(Assignment.due_on)) == due
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "assignment.create"))
    auth.sign_out()

    auth.sign_in(learner)
    dashboard = client.get("/").get_data(as_text=True)
    first_card = dashboard.split('class="card"')[1]
    assert "Meet the experts" in first_card or "meet-the-experts" in first_card
    assert f"Due {due.strftime('%d %b %Y')}" in first_card
    complete(learner.id)
    certificates = client.get("/certificates").get_data(as_text=True)
    code = re.search(r"/verify/([\w-]+)", certificates).group(1)
    pdf = client.get(f"/certificates/{code}.pdf")
    assert pdf.status_code == 200
    assert pdf.data.startswith(b"%PDF")
    auth.sign_out()

    auth.sign_in(manager)
    report = client.get("/reports/?status=completed").get_data(as_text=True)
    assert "Sofía Álvarez" in report
    assert "badge-completed" in report
    csv = client.get("/reports/export.csv?status=completed").get_data(as_text=True)
    assert "Sofía Álvarez" in csv
    assert ",Completed," in csv
    drill = client.get(f"/reports/learners/{learner.id}").get_data(as_text=True)
    assert "Quiz attempts" in drill
    assert "right" in drill
    assert code in drill
    pdf = client.get(f"/certificates/{code}.pdf")
    assert pdf.status_code == 200
    assert pdf.headers["Content-Type"] == "application/pdf"
    auth.sign_out()

    public = client.get(f"/verify/{code}")
    assert public.status_code == 200
    page = public.get_data(as_text=True)
    assert "Sofía Álvarez" in page
    assert "Valid" in page


def test_verification_page_shows_nothing_more_than_it_should(ward, client):
    complete(ward["learner"].id)
    certificate = db.session.scalar(select(Certificate))
    page = client.get(f"/verify/{certificate.code}").get_data(as_text=True)
    main = page.split('<main id="main"')[1].split("</main>")[0]
    assert "Sofía Álvarez" in main
    assert certificate.module_title in main
    assert certificate.issued_at.strftime("%d %b %Y") in main
    for secret in ["sofia@example.org", "Ward A", f"{certificate.score}%", "score"]:
        assert secret not in main
    assert len(re.findall(r"<dt>", main)) == 4  # name, module, date, status
    assert client.get("/verify/not-a-real-code").status_code == 404
    assert client.get("/verify/" + "x" * 300).status_code == 404


def test_expired_certificate_is_reported_as_expired(ward, client):
    assign(ward["manager"], recert=1)
    complete(ward["learner"].id)
    certificate = db.session.scalar(select(Certificate))
    certificate.expires_at = utcnow() - timedelta(days=1)
    db.session.commit()
    page = client.get(f"/verify/{certificate.code}").get_data(as_text=True)
    assert "Expired" in page


def test_report_lists_certificates_expiring_within_30_days(ward, client, auth):
    assign(ward["manager"], recert=12)
    complete(ward["learner"].id)
    certificate = db.session.scalar(select(Certificate))
    certificate.expires_at = utcnow() + timedelta(days=10)
    db.session.commit()
    auth.sign_in(ward["manager"])
    page = client.get("/reports/").get_data(as_text=True)
    assert "Certificates expiring in the next 30 days" in page
    assert page.count("Sofía Álvarez") >= 2


def test_a_certificate_superseded_by_retraining_is_not_listed_as_expiring(ward, client, auth):
    """The report's "expiring" list reads the certificate's one standing: a certificate a
    version requiring retraining superseded is no longer current, however near its expiry."""
    from course.services import authoring

    assign(ward["manager"], recert=12)
    complete(ward["learner"].id)
    certificate = db.session.scalar(select(Certificate))
    certificate.expires_at = utcnow() + timedelta(days=10)
    db.session.commit()
    mod = module()
    authoring.ensure_draft(mod, ward["manager"].id)
    authoring.publish(mod, ward["manager"].id, "Policy update", True, "New hospital policy")
    db.session.commit()
    auth.sign_in(ward["manager"])
    page = client.get("/reports/").get_data(as_text=True)
    assert "Certificates expiring in the next 30 days" not in page


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("status=bogus", "Not a valid choice"),
        ("module=abc", "could not coerce"),
        ("module=99999", "Not a valid choice"),
        ("due_from=2027-13-45", "Not a valid date"),
        ("due_from=2027-05-01&due_to=2027-04-01", "before its start"),
        ("sort=password", "Not a valid choice"),
        ("page=0", "Number must be at least 1"),
        ("page=abc", "Not a valid integer"),
    ],
)
def test_bad_filters_get_a_clear_message(ward, client, auth, query, message):
    auth.sign_in(ward["manager"])
    response = client.get(f"/reports/?{query}")
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert client.get(f"/reports/export.csv?{query}").status_code == 400


def test_page_out_of_range_is_a_404_with_a_message(ward, client, auth):
    assign(ward["manager"])
    auth.sign_in(ward["manager"])
    response = client.get("/reports/?page=99")
    assert response.status_code == 404
    assert "There is no page 99" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"modules": [], "target": "department"}, "Choose at least one module."),
        ({"due_on": "2020-01-01"}, "The due date is in the past"),
        ({"due_on": "31/12/2027"}, "Not a valid date value"),
        ({"due_on": ""}, "Choose a due date."),
        ({"department": ""}, "Choose the department."),
        ({"recert_months": "0"}, "from 1 to 120"),
        ({"target": "learners", "learners": ""}, "at least one learner"),
        ({"target": "learners", "learners": "wei@example.org"}, "Not a learner in your"),
        ({"target": "learners", "learners": "nobody@example.org"}, "Not a learner in your"),
    ],
)
def test_bad_assignments_are_refused_next_to_the_field(ward, client, auth, data, message):
    auth.sign_in(ward["manager"])
    form = {
        "modules": [str(module().id)],
        "target": "department",
        "department": str(ward["learner"].department_id),
        "due_on": (utcnow() + timedelta(days=7)).date().isoformat(),
    }
    form.update(data)
    response = client.post("/reports/assignments/new", data=form)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(Assignment)) is None


def test_assign_to_named_learners(ward, client, auth):
    auth.sign_in(ward["manager"])
    response = client.post(
        "/reports/assignments/new",
        data={
            "modules": [str(module().id)],
            "target": "learners",
            "learners": "Sofia@example.org\njonas@example.org\n",
            "due_on": (utcnow() + timedelta(days=7)).date().isoformat(),
        },
    )
    assert response.status_code == 302
    assert set(db.session.scalars(select(Assignment.user_id))) == {
        ward["learner"].id,
        ward["colleague"].id,
    }


def test_overdue_module_stands_out_on_the_dashboard(ward, client, auth):
    assign(ward["manager"])
    db.session.execute(db.update(Assignment).values(due_on=utcnow().date() - timedelta(days=2)))
    due_dates.refresh_due()  # as any change to assignments does
    db.session.commit()
    auth.sign_in(ward["learner"])
    page = client.get("/").get_data(as_text=True)
    first_card = page.split('class="card"')[1]
    assert "Overdue" in first_card
    assert "badge-overdue" in first_card


def test_report_page_has_legend_charts_and_text_alternative(ward, client, auth):
    assign(ward["manager"])
    complete(ward["learner"].id)
    auth.sign_in(ward["manager"])
    page = client.get("/reports/").get_data(as_text=True)
    legend = page.split('id="legend"')[1]
    for status, label, meaning in reports.LEGEND:
        assert f'badge-{status.value}">{label}</span>' in legend
        assert meaning in legend
    assert "<svg" in page
    assert 'role="img"' in page
    assert "Completion by module (the chart" in page
    assert "33%" in page
    assert "style=" not in page.split("</header>")[1]


def test_report_shows_why_a_module_was_reopened_for_retraining(ward, client, auth):
    from course.services import authoring

    from .helpers import assign, complete, module

    assign(ward["manager"])
    complete(ward["learner"].id)
    mod = module()
    authoring.ensure_draft(mod, ward["manager"].id)
    authoring.publish(mod, ward["manager"].id, "Policy update", True, "New hospital policy")
    auth.sign_in(ward["manager"])
    page = client.get("/reports/").get_data(as_text=True)
    assert "Re-opened for retraining: New hospital policy" in page
    assert page.count("Re-opened for retraining") == 1  # the colleague had not completed it


def test_the_assignment_page_speaks_in_dates_and_plurals(ward, client, auth):
    """One date format: no YYYY-MM-DD hint beside a picker that shows the browser's own; the
    recent assignments name their target and print the date as every page does; a real
    plural in the confirmation."""
    auth.sign_in(ward["manager"])
    page = client.get("/reports/assignments/new").get_data(as_text=True)
    assert "YYYY" not in page
    assert 'type="date"' in page
    due = (utcnow() + timedelta(days=7)).date()
    response = client.post(
        "/reports/assignments/new",
        data={
            "modules": [str(module().id)],
            "target": "department",
            "department": str(ward["learner"].department_id),
            "due_on": due.isoformat(),
        },
        follow_redirects=True,
    )
    text = response.get_data(as_text=True)
    assert "1 assignment saved." in text
    page = client.get("/reports/assignments/new").get_data(as_text=True)
    assert f'<td class="date">{date_text(due)}</td>' in page
    assert "Ward A" in page
    assert "department #" not in page
