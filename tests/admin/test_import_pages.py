"""The staff import pages: upload, preview with refusals next to their rows, apply, CSRF."""

import io
import re

from sqlalchemy import func, select

from course.extensions import db
from course.models import AuditEvent, StaffImport, User

FILE = (
    "employee_id;email;name;department;job_title;hire_date;badge\n"
    "E1;rita@example.org;Rita Nurse;Cardiology;Registered Nurse;2026-01-05;x\n"
    "E2;sam@example;Sam Porter;Cardiology;Porter;;x\n"
)


def _upload(client, text, name="staff.csv", **fields):
    data = text.encode() if isinstance(text, str) else text
    return client.post(
        "/admin/import",
        data={"file": (io.BytesIO(data), name), **fields},
        content_type="multipart/form-data",
    )


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_preview_shows_refusals_and_changes_nothing_until_applied(client, signed_in_admin):
    response = _upload(client, FILE)
    assert response.status_code == 302
    preview_url = response.headers["Location"]
    page = client.get(preview_url).get_data(as_text=True)
    assert "Preview of the staff import" in page
    assert re.search(
        r"<th scope=\"row\" class=\"num\">3</th><td>email</td><td>sam@example is not", page
    )
    assert "Columns not imported (unknown): badge." in page
    assert "New departments to create: Cardiology." in page
    assert _count(User) == 1  # the admin alone
    applied = client.post(preview_url)
    assert applied.status_code == 302
    db.session.expire_all()
    assert db.session.scalar(select(User.name).where(User.employee_id == "E1")) == "Rita Nurse"
    assert _count(User) == 2
    page = client.get(preview_url).get_data(as_text=True)
    assert "Import applied: 1 created, 0 updated, 0 deactivated; 1 rows refused" in page
    assert "Apply these changes" not in page
    # A second confirmation (a double click, a replayed form) applies nothing more.
    client.post(preview_url)
    assert "This import was applied already." in client.get(preview_url).get_data(as_text=True)
    assert _count(User) == 2
    assert db.session.scalar(select(func.count()).where(AuditEvent.action == "import.apply")) == 1


def test_a_bad_file_is_refused_next_to_the_field(client, signed_in_admin):
    response = _upload(client, "email,name\nrené@example.org,Ren\xe9\n".encode("latin-1"))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="file-error"' in page
    assert "not UTF-8 text" in page
    assert _count(StaffImport) == 0
    response = _upload(client, "x", name="staff.pdf")
    assert response.status_code == 422
    assert "Choose a .csv or .xlsx file." in response.get_data(as_text=True)


def test_an_upload_past_the_size_limit_is_refused_next_to_the_field(app, client, signed_in_admin):
    app.config["IMPORT_MAX_BYTES"] = 1000
    response = _upload(client, FILE + "E9;x@example.org;X;;;;\n" * 100)
    assert response.status_code == 422
    assert "at most 1,000 KB" not in response.get_data(as_text=True)
    assert "; at most 1 KB." in response.get_data(as_text=True)
    assert _count(StaffImport) == 0


def test_unknown_tokens_are_not_found(client, signed_in_admin):
    assert client.get("/admin/import/nope").status_code == 404
    assert client.post("/admin/import/nope").status_code == 404


def test_apply_needs_the_csrf_token(app, client, signed_in_admin):
    preview_url = _upload(client, FILE).headers["Location"]
    app.config["WTF_CSRF_ENABLED"] = True
    assert client.post(preview_url).status_code == 400
    assert _count(User) == 1
    page = client.get(preview_url).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)[1]
    assert client.post(preview_url, data={"csrf_token": token}).status_code == 302
    assert _count(User) == 2
