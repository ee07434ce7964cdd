"""A learner goes through a whole module in the browser, as people do: mouse, then keyboard."""

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from course.extensions import db
from course.models import AttemptState, Module, QuizAttempt, Role

pytestmark = [pytest.mark.browser, pytest.mark.slow]

MODULE = "share-information"
MODULE_TITLE = "Share information"
EXERCISE_TITLE = "Write a flu-season tips post for Facebook"
GOOD_POST = (
    "Flu season is here. Get your flu vaccine, wash your hands often, cover coughs and "
    "sneezes, and stay home when ill. See a doctor if you have trouble breathing. Find a "
    "vaccine near you: https://www.cdc.gov/flu/ #FluSeason"
)
POST_WITHOUT_REQUIRED_HASHTAG = GOOD_POST.replace("#FluSeason", "#Flu")


def open_attempt_questions(live_server, user_id: int) -> list[dict]:
    """The drawn questions with their right answers: the page never shows them before submit."""
    with live_server.app.app_context():
        module_id = db.session.scalar(select(Module.id).where(Module.slug == MODULE))
        attempt = db.session.scalars(
            select(QuizAttempt).where(
                QuizAttempt.user_id == user_id,
                QuizAttempt.module_id == module_id,
                QuizAttempt.state == AttemptState.OPEN,
            )
        ).one()
        questions = attempt.questions
        db.session.remove()
        return questions


def picks(question: dict, right: bool) -> list[str]:
    """The choice texts to tick: the right set, or one wrong choice."""
    if right:
        return [c["text"] for c in question["choices"] if c["correct"]]
    return [next(c["text"] for c in question["choices"] if not c["correct"])]


def question_group(page, number: int):
    return page.get_by_role("group", name=re.compile(rf"^Question {number}\. "))


def answer_with_mouse(page, questions: list[dict], right: bool) -> None:
    for number, question in enumerate(questions, start=1):
        group = question_group(page, number)
        for text in picks(question, right):
            group.get_by_label(text, exact=True).check()
    page.get_by_role("button", name="Submit answers").click()


def complete_module(page, live_server, user_id: int) -> None:
    """From the dashboard: read every lesson, fail then pass the quiz, fix then pass the
    exercise, checking what the learner sees at each step."""

    page.get_by_role("link", name=MODULE_TITLE, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(MODULE_TITLE)
    lesson_titles = page.get_by_role("list").filter(has=page.locator("li.step")).first
    titles = [t.strip() for t in lesson_titles.get_by_role("link").all_inner_texts()]
    assert len(titles) >= 2

    # Read every lesson, moving on with the pager as a reader would.
    page.get_by_role("link", name=titles[0], exact=True).click()
    for index, title in enumerate(titles):
        expect(page.get_by_role("heading", level=1)).to_have_text(title)
        expect(page.get_by_text(f"Lesson {index + 1} of {len(titles)}")).to_be_visible()
        if index + 1 < len(titles):
            page.get_by_role("link", name=f"Next: {titles[index + 1]}").click()
    page.get_by_role("link", name="Go to the quiz").click()

    # Fail once...
    page.get_by_role("button", name="Start the quiz").click()
    questions = open_attempt_questions(live_server, user_id)
    answer_with_mouse(page, questions, right=False)
    expect(page.get_by_role("heading", level=1)).to_have_text("Quiz result: 0%")
    expect(page.get_by_text("Not passed yet.")).to_be_visible()

    # ...then pass.
    page.get_by_role("link", name="Retake the quiz").click()
    page.get_by_role("button", name="Retake the quiz").click()
    questions = open_attempt_questions(live_server, user_id)
    answer_with_mouse(page, questions, right=True)
    expect(page.get_by_role("heading", level=1)).to_have_text("Quiz result: 100%")
    expect(page.get_by_text("Passed.", exact=False).first).to_be_visible()

    # The exercise: a mistake the validator catches, kept in the box, then a right answer.
    page.get_by_role("link", name=f"Next: {EXERCISE_TITLE}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(EXERCISE_TITLE)
    post = page.get_by_label("Your post")
    post.fill(POST_WITHOUT_REQUIRED_HASHTAG)
    page.get_by_role("button", name="Check my answer").click()
    expect(page.get_by_role("status").filter(has_text="Not yet.")).to_be_visible()
    expect(page.get_by_text("Add the hashtag #FluSeason")).to_be_visible()
    expect(post).to_have_value(POST_WITHOUT_REQUIRED_HASHTAG)
    expect(post).to_have_attribute("aria-describedby", re.compile(r"-findings"))

    post.fill(GOOD_POST)
    page.get_by_role("button", name="Check my answer").click()
    expect(page.get_by_role("status").filter(has_text="Passed.")).to_be_visible()
    expect(page.get_by_text(f"Module complete: {MODULE_TITLE}")).to_be_visible()


def test_learner_reads_passes_quiz_does_exercise_and_completes(page, live_server, sign_in):
    user_id, _ = sign_in()
    complete_module(page, live_server, user_id)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="My training").click()
    card = page.get_by_role("listitem").filter(
        has=page.get_by_role("heading", name=MODULE_TITLE, exact=True)
    )
    expect(card.get_by_text("Completed", exact=True)).to_be_visible()
    expect(page.get_by_text("You have completed 1 of")).to_be_visible()


def focused(page) -> dict:
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            const label = el && el.labels && el.labels[0] ? el.labels[0].innerText.trim() : null;
            return {tag: el ? el.tagName : null, type: el ? el.type : null,
                    name: el ? el.name : null, label: label,
                    text: el ? el.innerText.trim() : null};
        }"""
    )


def tab_until(page, predicate, limit: int = 120) -> dict:
    for _ in range(limit):
        page.keyboard.press("Tab")
        element = focused(page)
        if predicate(element):
            return element
    raise AssertionError(f"Tab never reached the element; last focused: {element}")


def answer_with_keyboard(page, questions: list[dict]) -> None:
    """Tab into each question; arrows move within radios, Space ticks checkboxes."""
    for index, question in enumerate(questions):
        wanted = set(picks(question, right=True))
        field = f"q{index}"
        element = tab_until(page, lambda e, field=field: e["name"] == field)
        if question["type"] == "multiple":
            while element["name"] == field:
                if element["label"] in wanted:
                    page.keyboard.press("Space")
                    wanted.discard(element["label"])
                if not wanted:
                    break
                page.keyboard.press("Tab")
                element = focused(page)
        else:
            (target,) = wanted
            if element["label"] != target:
                page.keyboard.press("Space")  # select the first, then walk to the right one
                for _ in question["choices"]:
                    page.keyboard.press("ArrowDown")
                    if focused(page)["label"] == target:
                        break
            else:
                page.keyboard.press("Space")
        assert not wanted or focused(page)["label"] in wanted, f"could not reach {wanted}"


def test_quiz_with_the_keyboard_alone(page, live_server, sign_in):
    user_id, _ = sign_in()
    page.goto(f"/modules/{MODULE}/quiz")

    tab_until(page, lambda e: e["tag"] == "BUTTON" and e["text"] == "Start the quiz")
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Submit answers")).to_be_visible()
    questions = open_attempt_questions(live_server, user_id)

    answer_with_keyboard(page, questions)
    for number, question in enumerate(questions, start=1):
        group = question_group(page, number)
        for choice in question["choices"]:
            box = group.get_by_label(choice["text"], exact=True)
            (expect(box).to_be_checked if choice["correct"] else expect(box).not_to_be_checked)()

    tab_until(page, lambda e: e["tag"] == "BUTTON" and e["text"] == "Submit answers")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Quiz result: 100%")


def test_manager_assigns_the_module_and_sees_the_completion(page, new_page, live_server, sign_in):
    sign_in({Role.MANAGER}, department="Ward M", manages=["Ward M"])
    learner_page = new_page()
    learner_id, learner_email = sign_in(on_page=learner_page, department="Ward M")
    learner_name = learner_page.get_by_text("Hello ").inner_text()

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Reports").click()
    page.get_by_role("link", name="Assign modules").first.click()
    page.get_by_role("group", name="Modules").get_by_label(MODULE_TITLE, exact=True).check()
    page.get_by_label("A whole department").check()
    page.get_by_label("Department", exact=True).select_option(label="Ward M")
    page.get_by_label("Due date", exact=True).fill("2099-12-31")
    page.get_by_role("button", name="Assign").click()
    expect(page.get_by_text("1 assignment saved.", exact=True)).to_be_visible()

    row = page.get_by_role("row").filter(has_text=learner_email)
    expect(row).to_contain_text(MODULE_TITLE)
    expect(row).to_contain_text("Not started")
    assert learner_name  # the learner is named on their dashboard

    learner_page.reload()
    complete_module(learner_page, live_server, learner_id)

    page.reload()
    row = page.get_by_role("row").filter(has_text=learner_email)
    expect(row.get_by_text("Completed", exact=True)).to_be_visible()


def test_quiz_picks_survive_a_lost_session(page, live_server, sign_in):
    """Picks are saved as they are made; after the session ends and the learner signs in
    again, the open attempt shows them selected."""
    user_id, email = sign_in()
    page.goto(f"/modules/{MODULE}/quiz")
    page.get_by_role("button", name="Start the quiz").click()
    questions = open_attempt_questions(live_server, user_id)
    first, second = questions[0], questions[1]
    with page.expect_response(lambda r: r.url.endswith("/picks")) as saved:
        question_group(page, 1).get_by_label(picks(first, True)[0], exact=True).check()
    assert saved.value.status == 204
    with page.expect_response(lambda r: r.url.endswith("/picks")):
        question_group(page, 2).get_by_label(picks(second, False)[0], exact=True).check()
    expect(page.get_by_role("status").filter(has_text="Your picks are saved")).to_be_visible()

    page.context.clear_cookies()  # the browser was closed without "keep me signed in"
    page.get_by_role("button", name="Submit answers").click()
    expect(page.get_by_text("was not accepted")).to_be_visible()
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill("browser-journey-pass")  # conftest.PASSWORD
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(f"/modules/{MODULE}/quiz$"))
    expect(question_group(page, 1).get_by_label(picks(first, True)[0], exact=True)).to_be_checked()
    expect(
        question_group(page, 2).get_by_label(picks(second, False)[0], exact=True)
    ).to_be_checked()
