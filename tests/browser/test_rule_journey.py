"""Assignment rules in the browser: a manager makes a rule for registered nurses in their
department; an admin creates a new nurse, whose dashboard shows the module due at once; the
manager withdraws the rule and an assignment, each after a confirmation page; the audit page
shows each step."""

import re
from datetime import timedelta

from playwright.sync_api import expect

from course.extensions import db
from course.models import Role, User
from course.services import assignments, catalog, clock
from course.services.scope import scope_for
from course.templating import date_text

from .conftest import PASSWORD

MODULE = "Meet the experts"


def _card(page):
    return page.locator("li.card").filter(has=page.get_by_role("link", name=MODULE, exact=True))


def test_a_rule_assigns_new_nurses_and_its_withdrawal_is_audited(
    page, sign_in, sign_in_as, new_page, live_server
):
    # 1. The manager of Cardiology makes the rule.
    manager_id, _ = sign_in(
        {Role.MANAGER, Role.LEARNER}, department="Cardiology", manages=("Cardiology",)
    )
    page.goto("/reports/assignments")
    page.get_by_role("link", name="New rule").click()
    page.get_by_label("Department").select_option(label="Cardiology")
    page.get_by_label("Job title").fill("Registered Nurse")
    page.get_by_label(MODULE, exact=True).check()
    page.get_by_label("Due within (days)").fill("30")
    page.get_by_label("Recertify every (months)").fill("12")
    page.get_by_role("button", name="Save the rule").click()
    page.get_by_text("Rule saved").wait_for()
    rules = page.get_by_role("table", name="Assignment rules, in force first")
    row = rules.get_by_role("row").filter(has_text="Registered Nurse in Cardiology")
    expect(row).to_contain_text("30 days after hire or joining")
    expect(row).to_contain_text("every 12 months")

    # 2. An admin creates a new nurse (the title in another case: rules ignore case).
    admin_id, admin_email = live_server.make_user({Role.ADMIN}, department=None)
    admin = new_page()
    sign_in_as(admin, admin_email)
    with live_server.app.app_context():
        hired = clock.today() + timedelta(days=3)
        due_text = date_text(hired + timedelta(days=30))
    admin.goto("/admin/users/new")
    admin.get_by_label("Full name").fill("Nadia Newhire")
    admin.get_by_label("Email").fill("nadia.newhire@example.org")
    admin.get_by_label("Job title").fill("registered nurse")
    admin.get_by_label("Hire date").fill(hired.isoformat())
    admin.get_by_label("Department", exact=True).select_option(label="Cardiology")
    admin.get_by_label("Learner: takes assigned modules").check()
    admin.get_by_label("Initial password", exact=True).fill(PASSWORD)
    admin.get_by_label("Initial password again").fill(PASSWORD)
    admin.get_by_role("button", name="Create account").click()
    admin.get_by_text("Account created for nadia.newhire@example.org").wait_for()

    # 3. Her dashboard shows the module due 30 days after her hire date.
    nurse = new_page()
    sign_in_as(nurse, "nadia.newhire@example.org")
    nurse.goto("/")
    expect(_card(nurse).locator(".due")).to_contain_text(f"Due {due_text}")

    # 4. The manager withdraws the rule, after a confirmation page.
    page.goto("/reports/assignments")
    page.get_by_role("link", name="Withdraw the rule for Registered Nurse in Cardiology").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Withdraw the rule")
    page.get_by_role("button", name="Withdraw the rule").click()
    page.get_by_text("Rule withdrawn").wait_for()
    expect(row).to_contain_text("Withdrawn")
    nurse.reload()
    expect(_card(nurse).locator(".due")).to_have_count(0)  # nothing left to do

    # ... and an ordinary assignment of the department, the same way.
    with live_server.app.app_context():
        manager = db.session.get(User, manager_id)
        assignments.assign(
            manager_id,
            scope_for(manager),
            [catalog.published_module("ongoing-support").id],
            clock.today() + timedelta(days=20),
            department_id=manager.department_id,
        )
        db.session.commit()
        db.session.remove()
    page.goto("/reports/assignments")
    page.get_by_role("link", name="Withdraw Ongoing support for Cardiology").click()
    page.get_by_role("button", name="Withdraw the assignment").click()
    page.get_by_text("Withdrawn: Ongoing support for Cardiology").wait_for()

    # 5. The audit page shows each step: to the admin all of them, to the manager the rules'.
    admin.goto("/reports/audit")
    log = admin.locator("main")
    expect(log).to_contain_text(re.compile(r"rule\.create.*Registered Nurse in Cardiology", re.S))
    expect(log).to_contain_text("nadia.newhire@example.org")
    expect(log).to_contain_text(re.compile(r"rule\.withdraw.*Meet the experts", re.S))
    page.goto("/reports/audit")
    expect(page.locator("main")).to_contain_text("rule.create")
    expect(page.locator("main")).to_contain_text("rule.withdraw")
    expect(page.locator("main")).to_contain_text("assignment.withdraw")
