"""A file too large for its field is refused next to the field, never with a bare 413 page:
the staff import and the organisation logo (the studio's two imports: tests/author); every
form with a file field is built the same way (course/uploads.py)."""

import io
import re

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from course import admin, author  # noqa: F401 (every form class is defined)
from course.extensions import db
from course.models import OrganisationLogo, StaffImport
from course.uploads import FileSize, UploadForm

MB = 1024 * 1024


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _error(response, field: str) -> str:
    text = response.get_data(as_text=True)
    assert f'id="{field}-error"' in text, text[:3000]
    return text.split(f'id="{field}-error">', 1)[1].split("</p>", 1)[0]


def multipart(client, path, fields: dict):
    """POST a multipart form encoded in memory (the test client spools a large body to a
    temporary file it never closes)."""
    files = {
        k: FileStorage(v[0], filename=v[1]) if isinstance(v, tuple) else v
        for k, v in fields.items()
    }
    boundary, body = encode_multipart(files)
    return client.post(path, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def _post(client, path, field, size, name, **fields):
    return multipart(client, path, {field: (io.BytesIO(b"x" * size), name), **fields})


def test_a_logo_over_two_mb_is_refused_next_to_the_field(client, signed_in_admin):
    response = _post(client, "/admin/organisation", "logo", 3 * MB, "big.png")
    assert response.status_code == 422
    assert "The file is 3 MB; at most 512 KB." in _error(response, "logo")
    assert "That upload is too large" not in response.get_data(as_text=True)
    assert _count(OrganisationLogo) == 0


def test_a_logo_past_even_the_request_limit_gets_the_form_back(app, client, signed_in_admin):
    app.config.update(LOGO_MAX_BYTES=1000, UPLOAD_REQUEST_MAX_BYTES=0)  # the route: ~65 KB
    response = _post(client, "/admin/organisation", "logo", 200_000, "big.png")
    assert response.status_code == 413
    assert "The upload is 196 KB; the file may be at most 1 KB." in _error(response, "logo")
    page = response.get_data(as_text=True)
    assert "That upload is too large" not in page  # the form, not the generic page
    assert 'name="logo"' in page
    assert _count(OrganisationLogo) == 0


def test_a_staff_file_over_its_limit_keeps_the_other_fields(app, client, signed_in_admin):
    app.config["IMPORT_MAX_BYTES"] = 1000
    response = _post(client, "/admin/import", "file", 5000, "staff.csv", deactivate_missing="y")
    assert response.status_code == 422
    assert "The file is 5 KB; at most 1 KB." in _error(response, "file")
    page = response.get_data(as_text=True)
    assert re.search(
        r"<input[^>]*checked[^>]*deactivate_missing|deactivate_missing[^>]*checked", page
    )
    assert _count(StaffImport) == 0


def test_a_staff_file_past_the_request_limit_gets_the_form_back(app, client, signed_in_admin):
    app.config.update(IMPORT_MAX_BYTES=1000, UPLOAD_REQUEST_MAX_BYTES=0)
    response = _post(client, "/admin/import", "file", 300_000, "staff.csv")
    assert response.status_code == 413
    assert "at most 1 KB" in _error(response, "file")
    assert "Staff file" in response.get_data(as_text=True)


def test_a_completions_file_over_its_limit_is_refused_next_to_the_field(
    app, client, signed_in_admin
):
    app.config["IMPORT_MAX_BYTES"] = 1000
    response = _post(client, "/admin/completions/import", "file", 5000, "past.csv")
    assert response.status_code == 422
    assert "The file is 5 KB; at most 1 KB." in _error(response, "file")
    app.config["UPLOAD_REQUEST_MAX_BYTES"] = 0
    response = _post(client, "/admin/completions/import", "file", 300_000, "past.csv")
    assert response.status_code == 413
    assert "at most 1 KB" in _error(response, "file")
    assert "Completions file" in response.get_data(as_text=True)
    assert _count(StaffImport) == 0


def test_with_csrf_on_a_staff_file_over_the_app_wide_limit_is_read(app, client, signed_in_admin):
    """The CSRF check reads the form before the view: the upload's own limit must hold there
    too, so a 3 MB staff file (under IMPORT_MAX_BYTES) is read, not refused at 2 MB."""
    app.config["WTF_CSRF_ENABLED"] = True
    page = client.get("/admin/import").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)[1]
    rows = "".join(f"E{n};p{n}@example.org;Person {n};Ward A\n" for n in range(60_000))
    text = "employee_id;email;name;department\n" + rows
    assert len(text.encode()) > 2 * MB
    response = multipart(
        client,
        "/admin/import",
        {"file": (io.BytesIO(text.encode()), "staff.csv"), "csrf_token": token},
    )
    # Read in full, and refused for its rows (next to the field), not for its size.
    assert response.status_code == 422
    assert "takes at most 49,999" in _error(response, "file")


def _form_classes(base=UploadForm.__mro__[1]):
    for cls in base.__subclasses__():
        yield cls
        yield from _form_classes(cls)


@pytest.mark.parametrize(
    "form_class",
    sorted(
        {
            cls
            for cls in _form_classes()
            if any("FileField" in f.field_class.__name__ for f in vars(cls).values()
                   if hasattr(f, "field_class"))
        },
        key=lambda c: c.__name__,
    ),
    ids=lambda c: c.__name__,
)  # fmt: skip
def test_every_form_with_a_file_is_an_upload_form_with_a_size_limit(form_class):
    assert issubclass(form_class, UploadForm)
    field = vars(form_class)[form_class.upload_field]
    assert any(isinstance(v, FileSize) for v in field.kwargs.get("validators", []))


def test_every_page_posting_a_file_accepts_uploads(app):
    """Each template's multipart form posts to a view marked @accepts_upload."""
    marked = {
        endpoint
        for endpoint, view in app.view_functions.items()
        if getattr(view, "upload_limit_setting", None)
    }
    assert marked == {
        "admin.edit_organisation",
        "admin.upload_import",
        "admin.upload_completions_import",
        "author.import_module",
        "author.import_gift",
    }
    templates = app.jinja_loader.searchpath[0]
    from pathlib import Path

    multipart = [
        p.name for p in Path(templates).rglob("*.html") if "multipart/form-data" in p.read_text()
    ]
    assert len(multipart) == len(marked), multipart
