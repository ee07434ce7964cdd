"""Exemptions and imported completions in the browser: a manager exempts a learner from an
assigned module from the report; an admin imports a past completion for another learner from a
file with a good and a bad row; the report and its CSV say "Exempt" with the reason and
"imported" with the source."""

import csv
import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from course.extensions import db
from course.models import Department, Module, Role
from course.services import assignments, clock
from course.services.scope import Scope

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WARD = "Exemption Journey Ward"
SLUG = "crisis-communication"
TITLE_RE = re.compile(r"^Exempt Browser Person \d+ from ")


def _assign(live_server, manager_id: int) -> None:
    with live_server.app.app_context():
        module_id = db.session.scalar(select(Module.id).where(Module.slug == SLUG))
        department = db.session.scalar(select(Department).where(Department.name == WARD))
        assignments.assign(
            manager_id, Scope(None), [module_id], clock.today() + timedelta(days=10), 12,
            department_id=department.id,
        )  # fmt: skip
        db.session.commit()
        db.session.remove()


def test_exempt_then_import_and_the_report_and_csv_say_so(
    page, sign_in, sign_in_as, new_page, live_server, tmp_path
):
    manager_id, manager_email = live_server.make_user(
        {Role.MANAGER, Role.LEARNER}, WARD, manages=[WARD]
    )
    _, exempt_email = live_server.make_user(department=WARD)
    _, imported_email = live_server.make_user(department=WARD)
    _assign(live_server, manager_id)

    # The manager exempts the first learner from the report.
    sign_in_as(page, manager_email)
    page.goto(f"/reports/?q={exempt_email}")
    page.get_by_role("link", name=TITLE_RE).click()
    page.get_by_role("button", name="Exempt").click()  # no reason: refused next to the field
    expect(page.locator("#reason-error")).to_contain_text("Give the reason for the exemption.")
    page.get_by_label("Reason").fill("Long-term sick leave")
    page.get_by_role("button", name="Exempt").click()
    expect(page.get_by_text("is exempt from this module")).to_be_visible()
    expect(page.locator(".badge-exempt").first).to_be_visible()
    expect(page.get_by_text("Long-term sick leave")).to_be_visible()
    page.set_viewport_size({"width": 375, "height": 800})
    page.screenshot(path=str(tmp_path / "report-exempt-375.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 800})

    # An admin imports a past completion for the second learner: one good row, one bad row.
    admin = new_page()
    _, admin_email = live_server.make_user({Role.ADMIN}, None)
    sign_in_as(admin, admin_email)
    with live_server.app.app_context():
        day = (clock.today() - timedelta(days=20)).isoformat()
    path = tmp_path / "past.csv"
    path.write_text(
        "email,module,completed_on,source,note\n"
        f"{imported_email},{SLUG},{day},Classroom course (journey),Signed register\n"
        f"nobody.journey@example.org,{SLUG},{day},Classroom course (journey),\n",
        encoding="utf-8",
    )
    admin.goto("/admin/completions/import")
    admin.get_by_label("Completions file").set_input_files(str(path))
    admin.get_by_role("button", name="Preview the import").click()
    admin.get_by_role("heading", name="Preview of the completions import").wait_for()
    refused = admin.get_by_role("table", name="Rows that will not be imported")
    bad = refused.get_by_role("row").filter(has_text="nobody.journey@example.org")
    assert bad.get_by_role("rowheader").inner_text() == "3"
    assert "email" in bad.inner_text()
    admin.screenshot(path=str(tmp_path / "completions-preview.png"), full_page=True)
    admin.get_by_role("button", name="Apply these changes").click()
    admin.get_by_text("Import applied: 1 completions recorded").wait_for()

    # The manager's report and CSV: "Exempt" with the reason, "imported" with the source.
    page.goto(f"/reports/?q={imported_email}")
    expect(page.get_by_text("Imported: Classroom course (journey)")).to_be_visible()
    page.goto("/reports/")
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV file").first.click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    rows = {r["Email"]: r for r in csv.DictReader(io.StringIO(text))}
    exempt, imported = rows[exempt_email], rows[imported_email]
    assert (exempt["Status"], exempt["Exemption reason"]) == ("Exempt", "Long-term sick leave")
    assert imported["Status"] == "Completed"
    assert imported["Completion imported from"] == "Classroom course (journey)"
    assert imported["Score"] == ""
