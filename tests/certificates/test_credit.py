"""Certificates worth keeping: the organisation's logo (PNG/JPEG, size-checked), contact hours
and CE details per module printed on the certificate, a QR code of the verification page read
back from the PDF, hours on the verification page, the hours of a period and a transcript."""

import io
from datetime import datetime

import pytest
import zxingcpp
from pypdf import PdfReader
from sqlalchemy import select
from tests_images import png_bytes

from course.extensions import db
from course.models import AuditEvent, Certificate, Module, OrganisationLogo, Role
from course.services import content_io, curriculum, progress

STATEMENT = (
    "This activity has been approved for 1.25 contact hours by the Example Board of Nursing, "
    "an accredited approver of continuing nursing education."
)


@pytest.fixture
def admin(make_user, client, auth):
    user = make_user(email="admin@example.org", name="Ada Admin", roles={Role.ADMIN})
    auth.sign_in(user)
    return user


@pytest.fixture
def module(app):
    path = content_io.CURRICULUM_DIR / "01-meet-the-experts.md"
    curriculum.load(content_io.parse_module(path.read_text(encoding="utf-8")))
    db.session.commit()
    return db.session.scalar(select(Module).where(Module.slug == "meet-the-experts"))


def _upload(client, data: bytes, name="logo.png"):
    return client.post(
        "/admin/organisation",
        data={"logo": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def _error(response, field: str) -> str:
    text = response.get_data(as_text=True)
    return text.split(f'id="{field}-error">', 1)[1].split("</p>", 1)[0]


def test_a_png_or_jpeg_logo_is_kept(admin, client):
    assert _upload(client, png_bytes()).status_code == 302
    assert _upload(client, png_bytes(kind="JPEG"), "logo.jpg").status_code == 302
    logos = db.session.scalars(select(OrganisationLogo).order_by(OrganisationLogo.id)).all()
    assert [(l.content_type, l.width, l.height) for l in logos] == [  # noqa: E741
        ("image/png", 120, 40),
        ("image/jpeg", 120, 40),
    ]
    shown = client.get("/admin/organisation/logo")
    assert shown.headers["Content-Type"] == "image/jpeg"
    assert shown.data == logos[-1].data


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (png_bytes(kind="GIF"), "logo.png", "That is a GIF image; upload a PNG or JPEG."),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "logo.png", "not a PNG or JPEG"),
        (b"MZ\x90\x00 not an image at all", "logo.jpg", "not a PNG or JPEG"),
        (png_bytes()[:60], "logo.png", "not a PNG or JPEG"),  # truncated
        (png_bytes(4100, 10), "logo.png", "At most 4000 pixels"),
    ],
)
def test_a_logo_that_is_not_a_png_or_jpeg_is_refused_next_to_the_field(
    admin, client, data, name, message
):
    response = _upload(client, data, name)
    assert response.status_code == 422
    assert message in _error(response, "logo")
    assert db.session.scalar(select(OrganisationLogo)) is None


def test_a_logo_over_the_size_limit_is_refused(admin, client, app):
    app.config["LOGO_MAX_BYTES"] = 1024
    response = _upload(client, png_bytes(400, 400))
    assert response.status_code == 422
    assert "at most 1 KB" in _error(response, "logo")


@pytest.mark.parametrize(
    ("hours", "message"),
    [("abc", "Enter the hours as a number"), ("-1", "Enter the hours as a number"),
     ("1.255", "hundredths at most"), ("100", "At most 99.75"), ("NaN", "as a number")],
)  # fmt: skip
def test_bad_contact_hours_are_refused_next_to_the_field(admin, client, module, hours, message):
    response = client.post(f"/admin/modules/{module.id}/credit", data={"contact_hours": hours})
    assert response.status_code == 422
    assert message in _error(response, "contact_hours")


def _set_credit(client, module):
    response = client.post(
        f"/admin/modules/{module.id}/credit",
        data={
            "contact_hours": "1.25",
            "ce_provider": "Example Board of Nursing",
            "ce_number": "EBN-2026-117",
            "ce_statement": STATEMENT,
        },
    )
    assert response.status_code == 302


def _complete(user_id: int, module: Module, when: datetime | None = None) -> Certificate:
    """A completion as the progress service issues it."""
    certificate = progress.certificates.issue(user_id, module, when or datetime.now(), 100)
    db.session.commit()
    return certificate


def test_the_certificate_prints_hours_ce_details_logo_and_a_qr_code_of_its_page(
    admin, client, module, make_user, browser_of
):
    _upload(client, png_bytes())
    _set_credit(client, module)
    assert "module.credit" in db.session.scalars(select(AuditEvent.action)).all()
    learner = make_user(name="Nora Nurse")
    certificate = _complete(learner.id, module)
    assert certificate.contact_hours_hundredths == 125

    response = browser_of(learner).get(f"/certificates/{certificate.code}.pdf")
    reader = PdfReader(io.BytesIO(response.data))
    page = reader.pages[0]
    text = " ".join(page.extract_text().split())
    assert "1.25 contact hours" in text
    assert "Example Board of Nursing, approval number EBN-2026-117" in text
    assert " ".join(STATEMENT.split()) in text
    assert "Social Rounds certifies that" in text

    images = list(page.images)
    assert len(images) == 2  # the logo and the QR code
    decoded = [result.text for image in images for result in zxingcpp.read_barcodes(image.image)]
    assert decoded == [f"http://localhost/verify/{certificate.code}"]

    verify = client.get(f"/verify/{certificate.code}").get_data(as_text=True)
    assert "<dt>Contact hours</dt><dd>1.25</dd>" in verify
    assert "EBN-2026-117" in verify


def test_an_issued_certificate_keeps_the_credit_it_was_issued_with(
    admin, client, module, make_user
):
    _set_credit(client, module)
    learner = make_user()
    before = _complete(learner.id, module)
    client.post(f"/admin/modules/{module.id}/credit", data={"contact_hours": "2"})
    db.session.refresh(before)
    assert before.contact_hours_hundredths == 125
    assert before.ce_number == "EBN-2026-117"


def test_my_certificates_adds_up_the_hours_of_a_period_and_prints_a_transcript(
    admin, client, module, make_user, browser_of
):
    _set_credit(client, module)
    learner = make_user(name="Nora Nurse")
    old = _complete(learner.id, module, datetime(2025, 6, 1, 10))
    new = _complete(learner.id, module, datetime(2026, 2, 3, 10))
    other_module = Module(slug="no-credit")
    db.session.add(other_module)
    db.session.flush()
    db.session.add(
        Certificate(code="plain-one", user_id=learner.id, module_id=other_module.id,
                    revision_number=1, learner_name="Nora Nurse", module_title="No credit",
                    score=None, issued_at=datetime(2026, 3, 1, 9))
    )  # fmt: skip
    db.session.commit()
    nurse = browser_of(learner)

    page = nurse.get("/certificates?start=2026-01-01&end=2026-12-31").get_data(as_text=True)
    assert "<strong>1.25</strong> contact hours from 2 certificates" in page
    page = nurse.get("/certificates?start=2025-01-01&end=2026-12-31").get_data(as_text=True)
    assert "<strong>2.5</strong> contact hours from 3 certificates" in page
    refused = nurse.get("/certificates?start=2026-12-31&end=2026-01-01")
    assert refused.status_code == 400
    assert "The end of the period is before its start." in refused.get_data(as_text=True)

    response = nurse.get("/certificates/transcript.pdf?start=2025-01-01&end=2025-12-31")
    assert response.headers["Content-Type"] == "application/pdf"
    text = " ".join(PdfReader(io.BytesIO(response.data)).pages[0].extract_text().split())
    assert "Nora Nurse" in text
    assert "Meet the experts" in text
    assert "01 Jun 2025" in text
    assert old.code in text
    assert new.code not in text
    assert "Total contact hours: 1.25" in text
    assert nurse.get("/certificates/transcript.pdf?start=x").status_code == 400


def test_credit_and_logo_are_for_admins_only(client, auth, make_user, module):
    for role in (Role.LEARNER, Role.TRAINER, Role.MANAGER):
        auth.sign_in(make_user(roles={role}))
        assert client.get("/admin/organisation").status_code == 403
        assert _upload(client, png_bytes()).status_code == 403
        assert client.post(f"/admin/modules/{module.id}/credit", data={}).status_code == 403
        auth.sign_out()
    assert db.session.scalar(select(OrganisationLogo)) is None
