"""Every main page: no serious or critical axe-core violation, no sideways scrolling at 375 px,
no word broken inside a table cell at 375 and 1280 px, and every button and link readable
against its own background in the light and the dark colour scheme.

The pages are the learner's (in each state that changes what they show) plus every GET page
of the staff areas (author, reports, admin, certificates) found in the app's URL map, so a
page that lands later is checked without anyone remembering to list it.
"""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from flask import url_for
from sqlalchemy import func, select

from course import create_app
from course.extensions import db
from course.models import Certificate, OutboxMessage, Role, User
from course.models.types import utcnow
from course.services import (
    assignment_rules,
    assignments,
    catalog,
    clock,
    mail,
    past_completions,
    policies,
    practice,
    progress,
    quiz,
    staff_import,
)
from course.services.scope import scope_for

from .page_checks import broken_words, low_contrast_controls

pytestmark = [pytest.mark.browser, pytest.mark.slow]

STAFF_AREAS = ("author", "reports", "admin", "certificates")
#: Endpoints that answer with a file, not a page (a mail's HTML part is framed in the page
#: that shows it, under a policy that lets no script run, axe's included).
NOT_PAGES = ("export", "download", "csv", "pdf", "mail_html", "logo")
#: Pages anyone may open signed out.
PUBLIC = {
    "auth.sign_in",
    "auth.forgot_password",
    "certificates.verify_certificate",
    "subscriptions.unsubscribe",
}
BAD_POST = "Flu season is here: get vaccinated https://www.cdc.gov/flu/ #Flu"
GOOD_POST = (
    "Flu season is here. Get your flu vaccine, wash your hands often, cover coughs and "
    "sneezes, and stay home when ill. See a doctor if you have trouble breathing. Find a "
    "vaccine near you: https://www.cdc.gov/flu/ #FluSeason"
)


@dataclass(frozen=True)
class Page:
    id: str
    endpoint: str
    #: Arguments for url_for, by name, taken from the sample data.
    args: tuple[str, ...] = ()
    #: After loading: "submit-empty-quiz", "submit-bad-post", "submit-empty-admin-form",
    #: "submit-bad-exercise-settings".
    action: str | None = None
    #: The URL argument each of `args` fills (staff pages).
    names: tuple[str, ...] = ()


LEARNER_PAGES = [
    Page("sign-in", "auth.sign_in"),
    Page("forgot-password", "auth.forgot_password"),
    Page("my-account", "account.show_account"),
    Page("dashboard", "learn.dashboard"),
    Page("module-completed", "learn.show_module", ("done_slug",)),
    Page("module-in-progress", "learn.show_module", ("open_slug",)),
    Page("lesson", "learn.show_lesson", ("done_slug", "lesson_key")),
    Page("quiz-start", "learn.take_quiz", ("fresh_slug",)),
    Page("quiz", "learn.take_quiz", ("open_slug",)),
    Page("quiz-with-errors", "learn.take_quiz", ("open_slug",), "submit-empty-quiz"),
    Page("result", "learn.show_result", ("attempt_id",)),
    Page("exercise", "learn.do_exercise", ("done_slug", "exercise_key")),
    Page("exercise-with-findings", "learn.do_exercise", ("done_slug", "exercise_key"),
         "submit-bad-post"),
    Page("unsubscribe", "subscriptions.unsubscribe", ("unsubscribe_token",), names=("token",)),
    Page("my-policies", "policies.list_policies"),
    Page("policy-sign", "policies.sign_policy", ("policy_id",), names=("policy_id",)),
    Page("policy-version", "policies.show_version", ("policy_id", "policy_version"),
         names=("policy_id", "number")),
]  # fmt: skip

#: Names of URL arguments in the staff areas, and which sample value fills them.
ARGUMENT_SAMPLES = {
    "slug": "done_slug",
    "key": "lesson_key",
    "user_id": "user_id",
    "attempt_id": "attempt_id",
    "module_id": "module_id",
    "code": "certificate_code",
    "message_id": "message_id",
    "number": "revision_number",
    "revision": "revision_number",
    "department_id": "department_id",
    "part": "part",
    "token": "import_token",
    "import_token": "completions_token",
    "assignment_id": "assignment_id",
    "rule_id": "rule_id",
    "policy_id": "policy_id",
}


def _sample_for(path: str, name: str) -> str:
    """The sample that fills one URL argument; a `key` is named by the segment before it."""
    if name == "key":
        for segment, sample in (("exercises", "exercise_key"), ("questions", "question_key")):
            if f"/{segment}/<" in path:
                return sample
    return ARGUMENT_SAMPLES.get(name, f"?{name}")


def _staff_pages() -> list[Page]:
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "url-map"})
    pages = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.endpoint):
        area = rule.endpoint.split(".")[0]
        if area not in STAFF_AREAS or "GET" not in rule.methods:
            continue
        if any(word in rule.endpoint or word in rule.rule for word in NOT_PAGES):
            continue
        names = tuple(sorted(rule.arguments - set(rule.defaults or {})))
        args = tuple(_sample_for(rule.rule, name) for name in names)
        pages.append(Page(rule.rule, rule.endpoint, args, names=names))
    return pages


#: Admin forms in their error state (their plain GET pages come from the URL map).
ADMIN_ERROR_PAGES = [
    Page("admin-new-user-with-errors", "admin.new_user", (), "submit-empty-admin-form"),
    Page("admin-departments-with-errors", "admin.list_departments", (), "submit-empty-admin-form"),
]

#: The studio's exercise settings form in its error state.
AUTHOR_ERROR_PAGES = [
    Page("author-exercise-with-errors", "author.edit_exercise", ("done_slug", "exercise_key"),
         "submit-bad-exercise-settings", ("slug", "key")),
]  # fmt: skip

PAGES = LEARNER_PAGES + _staff_pages() + ADMIN_ERROR_PAGES + AUTHOR_ERROR_PAGES


@pytest.fixture(scope="module")
def samples(live_server):
    """One person with every role, part-way through the curriculum, managing a department."""
    user_id, email = live_server.make_user(
        {Role.LEARNER, Role.TRAINER, Role.MANAGER, Role.ADMIN},
        department="Ward Access",
        manages=["Ward Access"],
    )
    live_server.make_user(department="Ward Access")
    with live_server.app.app_context():
        done = catalog.published_module("share-information")
        for lesson in done.published.lessons:
            progress.record_lesson_read(user_id, done, lesson)
        attempt = quiz.start_attempt(user_id, done)
        right = {
            q["key"]: [c["id"] for c in q["choices"] if c["correct"]] for q in attempt.questions
        }
        quiz.submit_attempt(attempt, right)
        practice.submit(user_id, done, done.published.exercises[0], {"text": GOOD_POST})
        progress.refresh(user_id, done)
        opened = catalog.published_module("crisis-communication")
        quiz.start_attempt(user_id, opened)
        progress.record_lesson_read(user_id, opened, opened.published.lessons[0])
        user = db.session.get(User, user_id)
        scope, department_id = scope_for(user), user.department_id
        made = assignments.assign(
            user_id, scope, [done.id, opened.id], utcnow().date() + timedelta(days=30),
            department_id=department_id,
        )  # fmt: skip
        rule = assignment_rules.create(
            user_id, scope, [opened.id], 30, 12, department_id=department_id,
            job_title="Registered Nurse",
        )  # fmt: skip
        staff = (
            "employee_id,email,name,department,job_title,hire_date\n"
            f"A1,{email},Browser Person,Ward Access,Charge Nurse,2026-01-05\n"
            "A2,new.nurse@example.org,New Nurse,Ward Access,Registered Nurse,\n"
            "A3,not-an-email,Refused Row,Ward Access,,2026-02-30\n"
        ).encode()
        plan = staff_import.preview(staff_import.read_file("staff.csv", staff))
        preview = staff_import.store(plan, "staff.csv", staff, user_id, False)
        past = (
            "email,module,completed_on,source,note\n"
            f"{email},{opened.slug},2026-01-05,Classroom course,Signed register\n"
            f"nobody@example.org,{opened.slug},2026-01-05,Classroom course,\n"
        ).encode()
        completions = past_completions.store(
            past_completions.preview(past_completions.read_file("past.csv", past)),
            "past.csv",
            past,
            user_id,
        )
        policy = policies.create(
            user_id, "Access policy", "## Rules\n\n- Be kind.\n", clock.today(), ""
        )
        policies.publish(user_id, policy)
        # Asked of the sample person, so My policies has its table.
        sampled = db.session.get(User, user_id)
        policies.assign(
            user_id, scope_for(sampled), [policy.id], clock.today() + timedelta(days=14),
            user_ids=[user_id],
        )  # fmt: skip
        db.session.commit()
        code = db.session.scalar(select(Certificate.code).where(Certificate.user_id == user_id))
        values = {
            "email": email,
            "user_id": user_id,
            "attempt_id": attempt.id,
            "done_slug": done.slug,
            "open_slug": opened.slug,
            "fresh_slug": "hands-on-training",
            "lesson_key": done.published.lessons[0].key,
            "exercise_key": done.published.exercises[0].key,
            "question_key": done.published.questions[0].key,
            "module_id": done.id,
            "revision_number": done.published.number,
            "certificate_code": code,
            "department_id": department_id,
            "message_id": db.session.scalar(select(func.min(OutboxMessage.id))),
            "unsubscribe_token": mail.unsubscribe_token(user_id, "certificate"),
            "part": "lessons",
            "import_token": preview.token,
            "completions_token": completions.token,
            "assignment_id": made[0].id,
            "rule_id": rule.id,
            "policy_id": policy.id,
            "policy_version": 1,
        }
        db.session.remove()
    return values


@pytest.fixture(scope="module")
def signed_in_context(browser, live_server, samples, sign_in_as):
    context = browser.new_context(base_url=live_server.url)
    context.set_default_timeout(10_000)
    sign_in_as(context.new_page(), samples["email"])
    yield context
    context.close()


@pytest.fixture(scope="module")
def anonymous_context(browser, live_server):
    context = browser.new_context(base_url=live_server.url)
    context.set_default_timeout(10_000)
    yield context
    context.close()


@pytest.fixture
def page(request, signed_in_context, anonymous_context):
    """A tab on the page under test; named `page` so a failure saves its screenshot."""
    target = request.node.callspec.params["target"]
    context = anonymous_context if target.endpoint in PUBLIC else signed_in_context
    tab = context.new_page()
    yield tab
    tab.close()


def open_target(page, target: Page, live_server, samples, width: int) -> None:
    missing = [a for a in target.args if a.startswith("?") or samples.get(a) is None]
    if missing:
        pytest.fail(
            f"No sample value for {target.endpoint}'s URL arguments {missing}: add them to "
            "ARGUMENT_SAMPLES (or the samples fixture) in tests/browser/test_accessibility.py."
        )
    with live_server.app.test_request_context():
        if target.endpoint.startswith("learn."):  # learner pages name their own arguments
            values = _learner_arguments(target, samples)
        else:
            values = dict(zip(target.names, (samples[a] for a in target.args), strict=True))
        path = url_for(target.endpoint, **values)
    page.set_viewport_size({"width": width, "height": 800})
    response = page.goto(path)
    assert response is not None
    assert response.status == 200, f"{path} answered {response.status}"
    assert "text/html" in response.headers.get("content-type", "")
    if target.action == "submit-empty-quiz":
        page.get_by_role("button", name="Submit answers").click()
        page.get_by_text("Please answer every question").wait_for()
    elif target.action == "submit-bad-post":
        page.get_by_label("Your post").fill(BAD_POST)
        page.get_by_role("button", name="Check my answer").click()
        page.get_by_text("Not yet.").wait_for()
    elif target.action == "submit-bad-exercise-settings":
        page.get_by_label("Fewest hashtags").fill("9")
        page.get_by_label("Hashtags the post must include").fill("#FluSeason, #1")
        page.get_by_role("button", name="Save exercise").click()
        page.get_by_role("heading", name="There is a problem").wait_for()
    elif target.action == "submit-empty-admin-form":
        page.locator("main form[method=post] button[type=submit]").last.click()
        page.get_by_role("heading", name="There is a problem").wait_for()


def _learner_arguments(target: Page, samples: dict) -> dict:
    names = {
        "done_slug": "slug",
        "open_slug": "slug",
        "fresh_slug": "slug",
        "lesson_key": "key",
        "exercise_key": "key",
        "attempt_id": "attempt_id",
    }
    return {names[a]: samples[a] for a in target.args}


#: The page background each colour scheme asks for (app.css, --paper).
PAPER = {"light": "rgb(255, 255, 255)", "dark": "rgb(21, 25, 30)"}


def _axe_problems(page, **options) -> list[dict]:
    """Serious or critical violations, plus the colour-contrast checks axe leaves "incomplete"
    because text and background have the same colour (1:1): that is invisible text to a
    person, not a hiding technique, on these pages."""
    options = {"resultTypes": ["violations", "incomplete"], **options}
    response = Axe().run(page, options=options).response
    found = [v for v in response["violations"] if v["impact"] in ("serious", "critical")]
    for v in response["incomplete"]:
        if v["id"] != "color-contrast":
            continue
        same = [n for n in v["nodes"] if any("1:1" in c["message"] for c in n["any"])]
        if same:
            found.append({**v, "help": "text has the colour of its background", "nodes": same})
    return found


def _axe_report(problems: list[dict]) -> str:
    return "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']}\n    "
        + "\n    ".join(node["html"][:160] for node in v["nodes"][:5])
        for v in problems
    )


@pytest.mark.parametrize("target", PAGES, ids=[p.id for p in PAGES])
def test_no_serious_or_critical_axe_violation(page, target, live_server, samples):
    open_target(page, target, live_server, samples, width=1280)
    serious = _axe_problems(page)
    assert not serious, f"axe-core found on {page.url}:\n{_axe_report(serious)}"


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("target", PAGES, ids=[p.id for p in PAGES])
def test_every_control_readable_in_both_colour_schemes(page, target, scheme, live_server, samples):
    page.emulate_media(color_scheme=scheme)
    open_target(page, target, live_server, samples, width=1280)
    paper = page.evaluate("() => getComputedStyle(document.body).backgroundColor")
    assert paper == PAPER[scheme], f"{page.url} ignores the {scheme} scheme: background {paper}"
    poor = low_contrast_controls(page)
    assert not poor, f"{page.url} in the {scheme} scheme: buttons or links below 4.5:1: {poor}"
    problems = _axe_problems(page, runOnly=["color-contrast"])
    assert not problems, f"axe-core, {scheme} scheme, on {page.url}:\n{_axe_report(problems)}"


@pytest.mark.parametrize("width", [375, 1280])
@pytest.mark.parametrize("target", PAGES, ids=[p.id for p in PAGES])
def test_no_word_broken_inside_a_table_cell(page, target, width, live_server, samples):
    open_target(page, target, live_server, samples, width=width)
    broken = broken_words(page)
    assert not broken, f"{page.url} at {width} px breaks words inside table cells: {broken[:8]}"


@pytest.mark.parametrize("target", PAGES, ids=[p.id for p in PAGES])
def test_no_horizontal_scrolling_at_375px(page, target, live_server, samples):
    open_target(page, target, live_server, samples, width=375)
    widths = page.evaluate(
        """() => {
            const root = document.documentElement;
            const wide = [...document.body.querySelectorAll('*')]
                .filter(el => el.getBoundingClientRect().right > root.clientWidth + 1)
                .slice(0, 5)
                .map(el => `${el.tagName.toLowerCase()}.${el.getAttribute('class') || ''}`);
            return {scroll: root.scrollWidth, client: root.clientWidth, wide: wide};
        }"""
    )
    assert widths["scroll"] <= widths["client"], (
        f"{page.url} scrolls sideways at 375 px: {widths['scroll']} > {widths['client']}; "
        f"too wide: {widths['wide']}"
    )


#: Pages whose tables become a card per row on a phone: nothing of them is cut off at 375 px.
STACKED_IDS = (
    "my-policies",
    "/reports/learners/<int:user_id>",
    "/admin/organisation",
    "/admin/departments",
)
STACKED = [p for p in PAGES if p.id in STACKED_IDS]


@pytest.mark.parametrize("target", STACKED, ids=[p.id for p in STACKED])
def test_stacked_tables_fit_a_phone(page, target, live_server, samples):
    open_target(page, target, live_server, samples, width=375)
    cut = page.evaluate(
        """() => {
            const width = document.documentElement.clientWidth;
            return [...document.querySelectorAll('table td, table th')]
                .filter(cell => cell.getClientRects().length)
                .filter(cell => cell.getBoundingClientRect().right > width + 1)
                .map(cell => cell.textContent.trim().slice(0, 30));
        }"""
    )
    assert page.locator("table").count() > 0
    assert not cut, f"{page.url} at 375 px cuts off table cells: {cut[:5]}"
