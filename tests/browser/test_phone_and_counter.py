"""A nurse on a phone: a module completed at 375 px and the certificate downloaded from the
completion panel; the result of an exercise in view and focused after sending it; the live
counter of the X post exercise agreeing with the server; each role's main page saved as a
picture at both widths (test-artifacts/screens/)."""

import re

import pytest
from model_answers import MODEL_ANSWERS
from playwright.sync_api import expect
from sqlalchemy import select

from course.exercises import extract_hashtags, post_length
from course.extensions import db
from course.models import AttemptState, Module, QuizAttempt, Role

from .conftest import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PHONE = {"viewport": {"width": 375, "height": 740}, "is_mobile": True, "has_touch": True}
POST = "/modules/hands-on-training/exercises/hashtag-post"

#: Texts where X's counting is not one per character: links, CJK, emoji sequences of every
#: kind, a post over the limit, hashtags that are and are not hashtags.
TEXTS = [
    "Flu shots Saturday 9-1 at Riverside Clinic. #FluShot",
    "Book now: https://www.cdc.gov/flu/prevent/flushot.htm and www.example.org #FluShot",
    "インフルエンザの予防接種 #FluShot",
    "Come along 👋🏽 with the family 👨‍👩‍👧‍👦 🇬🇧 1️⃣ 🏴󠁧󠁢󠁳󠁣󠁴󠁿 #FluShot",
    "Newer than twitter-text's table: a phoenix 🐦‍🔥, a lime 🍋‍🟩, hands 🫱🏻‍🫲🏿 ☺️ #FluShot",
    "#flu shot #2024 #FluShot #fluSHOT #Vaccines",
    "x" * 300,
    "",
]


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(base_url=live_server.url, accept_downloads=True, **PHONE)
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


def no_sideways_scrolling(page) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 375, f"{page.url} scrolls sideways on a phone: {width} px"


def in_view_and_focused(page, selector: str) -> None:
    box = page.locator(selector).bounding_box()
    assert box is not None
    assert -1 <= box["y"] < 740, f"{selector} is {box['y']:.0f} px down: out of view"
    assert page.evaluate(f"() => document.activeElement === document.querySelector('{selector}')")


def right_answers(live_server, user_id: int, slug: str) -> list[list[str]]:
    with live_server.app.app_context():
        attempt = db.session.scalars(
            select(QuizAttempt)
            .join(Module, Module.id == QuizAttempt.module_id)
            .where(
                QuizAttempt.user_id == user_id,
                Module.slug == slug,
                QuizAttempt.state == AttemptState.OPEN,
            )
        ).one()
        picks = [[c["text"] for c in q["choices"] if c["correct"]] for q in attempt.questions]
        db.session.remove()
        return picks


def test_a_phone_learner_completes_a_module_and_downloads_the_certificate(
    phone, live_server, sign_in
):
    user_id, _ = sign_in(on_page=phone)
    no_sideways_scrolling(phone)
    phone.get_by_role("link", name="Start Meet the experts").click()
    while phone.get_by_role("link", name=re.compile("^Next: ")).count():
        no_sideways_scrolling(phone)
        phone.get_by_role("link", name=re.compile("^Next: ")).click()
    phone.get_by_role("link", name="Go to the quiz").click()
    phone.get_by_role("button", name="Start the quiz").click()
    for number, texts in enumerate(right_answers(live_server, user_id, "meet-the-experts"), 1):
        group = phone.get_by_role("group", name=re.compile(rf"^Question {number}\. "))
        for text in texts:
            group.get_by_label(text, exact=True).check()
    phone.get_by_role("button", name="Submit answers").click()
    expect(phone.get_by_text("Passed.", exact=False).first).to_be_visible()
    in_view_and_focused(phone, ".result-summary")
    no_sideways_scrolling(phone)

    # The result's next step is the module's exercise; passing it completes the module.
    phone.get_by_role("link", name=re.compile("^Next: ")).click()
    for name, text in MODEL_ANSWERS["invite-an-expert"].items():
        phone.locator(f"textarea[name={name}], input[name={name}]").fill(text)
    phone.get_by_role("button", name="Check my answer").click()
    expect(phone.get_by_role("heading", name="Module complete: Meet the experts")).to_be_visible()
    no_sideways_scrolling(phone)
    in_view_and_focused(phone, "#verdict")
    panel = phone.locator("section.complete")
    with phone.expect_download() as download:
        panel.get_by_role("link", name="Download your certificate (PDF)").click()
    path = download.value.path()
    with open(path, "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    assert download.value.suggested_filename.startswith("certificate-meet-the-experts-")


def test_on_a_phone_the_exercise_result_is_in_view_and_focused(phone, sign_in):
    sign_in(on_page=phone)
    phone.goto(POST)
    phone.get_by_label("Your post").fill("Flu shots on Saturday at the clinic. #Flu")
    phone.get_by_role("button", name="Check my answer").click()
    expect(phone.get_by_role("status").filter(has_text="Not yet.")).to_be_visible()
    in_view_and_focused(phone, "#verdict")
    no_sideways_scrolling(phone)


def test_the_live_counter_counts_as_the_server_does(page, sign_in):
    sign_in()
    page.goto(POST)
    box = page.get_by_label("Your post")
    counter = page.locator("#text-counter")
    for text in TEXTS:
        box.fill(text)
        expected_tags = len({t.casefold() for t in extract_hashtags(text)})
        expect(counter.locator("[data-length]")).to_have_attribute(
            "data-length", str(post_length(text, "x"))
        )
        expect(counter.locator("[data-hashtags]")).to_have_attribute(
            "data-hashtags", str(expected_tags)
        )
    box.fill(TEXTS[0])
    expect(counter).to_contain_text("as X counts them")
    box.fill("x" * 300)
    expect(counter).to_contain_text("20 over")


def test_without_javascript_the_exercise_works_as_before(browser, live_server, sign_in_as):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    _, email = live_server.make_user()
    sign_in_as(page, email)
    page.goto(POST)
    expect(page.locator("#text-counter")).to_be_hidden()
    page.get_by_label("Your post").fill("Flu shots on Saturday at the clinic. #Flu")
    page.get_by_role("button", name="Check my answer").click()
    expect(page.get_by_role("status").filter(has_text="Not yet.")).to_be_visible()
    assert page.url.endswith("#verdict")
    context.close()


ROLES = {
    "learner": {Role.LEARNER},
    "trainer": {Role.TRAINER, Role.LEARNER},
    "manager": {Role.MANAGER, Role.LEARNER},
    "admin": {Role.ADMIN},
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("width", [375, 1280])
def test_each_roles_main_page_is_saved_as_a_picture(browser, live_server, sign_in_as, role, width):
    """Kept in test-artifacts/screens/ for people to look at (CI keeps the folder)."""
    manages = ["Ward Screens"] if role == "manager" else []
    _, email = live_server.make_user(ROLES[role], department="Ward Screens", manages=manages)
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": width, "height": 900}
    )
    page = context.new_page()
    sign_in_as(page, email)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    folder = ARTIFACTS / "screens"
    folder.mkdir(parents=True, exist_ok=True)
    shot = folder / f"{role}-{width}.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 0
    context.close()
