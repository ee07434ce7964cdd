"""An admin imports staff in the browser: preview a file with good and bad rows, apply it,
fix the file, run it again (no duplicates)."""

from sqlalchemy import func, select

from course.extensions import db
from course.models import Role, User

HEADER = "employee_id;email;name;department;job_title;hire_date;roles\n"
FIRST = HEADER + (
    "J100;ines.journey@example.org;Ines Journey;Journey Ward;Registered Nurse;2026-01-05;\n"
    "J101;omar.journey@example.org;Omar Journey;journey ward;Porter;;learner\n"
    "J102;bad-address;Bad Address;Journey Ward;;;\n"
)


def _people(live_server) -> list[tuple[str, str]]:
    with live_server.app.app_context():
        rows = db.session.execute(
            select(User.employee_id, User.job_title)
            .where(User.employee_id.like("J1%"))
            .order_by(User.employee_id)
        ).all()
        db.session.remove()
        return [tuple(r) for r in rows]


def _upload(page, tmp_path, text: str) -> None:
    path = tmp_path / "staff.csv"
    path.write_text(text, encoding="utf-8")
    page.goto("/admin/import")
    page.get_by_label("Staff file").set_input_files(str(path))
    page.get_by_role("button", name="Preview the import").click()
    page.get_by_role("heading", name="Preview of the staff import").wait_for()


def test_preview_apply_fix_and_rerun(page, sign_in, live_server, tmp_path):
    sign_in({Role.ADMIN}, department=None)
    _upload(page, tmp_path, FIRST)
    counts = page.locator("#import-counts")
    assert "2 to create" in " ".join(counts.inner_text().split())
    refused = page.get_by_role("table", name="Rows that will not be imported")
    row = refused.get_by_role("row").filter(has_text="bad-address")
    assert row.get_by_role("rowheader").inner_text() == "4"
    assert "email" in row.inner_text()
    assert "not an email address" in row.inner_text()
    assert _people(live_server) == []  # the preview changed nothing
    page.screenshot(path=str(tmp_path / "preview.png"), full_page=True)

    page.get_by_role("button", name="Apply these changes").click()
    page.get_by_text("Import applied: 2 created, 0 updated").wait_for()
    assert _people(live_server) == [("J100", "Registered Nurse"), ("J101", "Porter")]

    fixed = FIRST.replace("bad-address", "bad.address@example.org").replace(
        "Porter;;", "Senior Porter;;"
    )
    _upload(page, tmp_path, fixed)
    text = " ".join(page.locator("#import-counts").inner_text().split())
    assert "1 to create" in text
    assert "1 to update" in text
    assert "1 unchanged" in text
    updates = page.get_by_role("table", name="Changes to existing accounts")
    assert "job title: Porter → Senior Porter" in updates.inner_text()
    page.get_by_role("button", name="Apply these changes").click()
    page.get_by_text("Import applied: 1 created, 1 updated").wait_for()
    assert _people(live_server) == [
        ("J100", "Registered Nurse"),
        ("J101", "Senior Porter"),
        ("J102", None),
    ]
    with live_server.app.app_context():
        journey = db.session.scalar(
            select(func.count(User.id)).where(User.email.like("%.journey@example.org"))
        )
        db.session.remove()
    assert journey == 2  # re-run updated, never duplicated


def test_a_file_with_formulas_is_refused_next_to_the_field(page, sign_in, tmp_path):
    sign_in({Role.ADMIN}, department=None)
    path = tmp_path / "staff.csv"
    path.write_text("email,name\nf@example.org,=1+1\n", encoding="utf-8")
    page.goto("/admin/import")
    page.get_by_label("Staff file").set_input_files(str(path))
    page.get_by_role("button", name="Preview the import").click()
    error = page.locator("#file-error")
    assert "Cells hold formulas, not values (row 2, name)" in error.inner_text()
