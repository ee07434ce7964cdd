"""Printing: the report, a learner's evidence and My certificates print their content only
(no menu, filters or buttons), tables whole, under a header saying what and when."""

import re

import pytest
from playwright.sync_api import expect

from course.models import Role

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def printed(page):
    page.emulate_media(media="print")
    for hidden in ("header.site-header", "footer.site-footer"):
        expect(page.locator(hidden)).to_be_hidden()
    expect(page.locator(".print-header")).to_be_visible()
    for control in page.locator("main form, main .button").all():
        expect(control).to_be_hidden()
    pdf = page.pdf(format="A4", prefer_css_page_size=True)
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf))


def test_a_short_report_prints_on_landscape_pages_under_its_filters(page, sign_in, new_page):
    sign_in({Role.MANAGER, Role.LEARNER}, department="Ward P", manages=["Ward P"])
    page.goto("/reports/assignments/new")
    page.get_by_role("group", name="Modules").get_by_label("Meet the experts").check()
    page.get_by_label("A whole department").check()
    page.get_by_label("Department", exact=True).select_option(label="Ward P")
    page.get_by_label("Due date", exact=True).fill("2099-12-31")
    page.get_by_role("button", name="Assign").click()
    page.goto("/reports/?department=&status=not_started")
    assert printed(page) <= 2
    header = page.locator(".print-header")
    expect(header).to_contain_text("Status: Not started")
    expect(header).to_contain_text("Printed")
    expect(page.locator("table.report")).to_be_visible()


def test_evidence_and_certificates_print_without_the_menu(page, sign_in):
    user_id, _ = sign_in({Role.MANAGER, Role.LEARNER}, department="Ward Q", manages=["Ward Q"])
    page.goto(f"/reports/learners/{user_id}")
    assert printed(page) >= 1
    expect(page.locator(".print-header")).to_contain_text("Training evidence")
    page.emulate_media(media="screen")
    page.goto("/certificates")
    page.emulate_media(media="print")
    expect(page.locator("header.site-header")).to_be_hidden()
