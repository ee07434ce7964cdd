"""One exercise of each kind, on a 375 px phone, as a learner does it: open it from the module
page, send an answer with one mistake, read the finding next to the field at fault, fix it,
pass. Each page in both states: no serious or critical axe violation, no sideways scrolling.
The studio's settings form of each new kind gets the same two checks."""

import re
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from model_answers import MODEL_ANSWERS
from playwright.sync_api import expect

from course import exercises
from course.models import Role
from course.services import catalog

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PHONE = {"width": 375, "height": 740}
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts"


#: kind -> (module slug, exercise key, mistake: {field path: value}, input with the finding,
#: words of the finding).
JOURNEYS = {
    "post": ("hands-on-training", "hashtag-post",
             {"text": "Flu shots are free this week at Riverside Clinic. Walk in today!"},
             "text", "Add the hashtag #FluShot"),
    "page_setup": ("hands-on-training", "page-setup", {"name": "Official Riverside Clinic"},
                   "name", "official"),
    "facebook_ad": ("hands-on-training", "health-service-ad",
                    {"primary_text": "Are you diabetic? Join our free classes at Riverside "
                     "Clinic."}, "primary_text", "Describe the service, not the reader"),
    "profile": ("enhance-your-skills", "linkedin-profile", {"headline": ""}, "headline",
                "Write a headline"),
    "monitoring_triage": ("enhance-your-skills", "monitoring-triage",
                          {"mentions[1].action": "reply_public"}, "mentions-1-action",
                          "does not fit here"),
    "outreach": ("meet-the-experts", "invite-an-expert",
                 {"message": "I'd like to add you to my professional network."}, "message",
                 "Say how you know them"),
    "training_photo": ("train-medical-personnel", "training-photo", {"screens": "yes"},
                       "screens", "Retake it without the screen"),
    "youtube_listing": ("train-medical-personnel", "training-video-listing",
                        {"hashtags": "HandHygiene Nursing"}, "hashtags", "has no #"),
    "review_reply": ("compare-and-improve-care", "review-reply",
                     {"reply": "Thank you. We're sorry your appointment ran late. Please call "
                      "(202) 555-0143."}, "reply", "tells everyone"),
    "live_thread": ("live-updates", "live-thread",
                    {"posts[0]": "Our heart-health evening has started: free checks."},
                    "posts-0", "numbered 1"),
    "crisis_update": ("crisis-communication", "crisis-update",
                      {"text": "Our Main Street hospital emergency department is closed after "
                       "a power outage. Please go to St Mary's ER on 5th Avenue."}, "text",
                      "official source"),
}  # fmt: skip


def test_every_kind_has_a_journey():
    assert set(JOURNEYS) == set(exercises.KINDS)


def _value(answer, path):
    """The answer's value at a field path; None where the answer leaves the field alone."""
    node = answer
    for step in exercises.fields.path_steps(path):
        try:
            node = node[step]
        except (KeyError, IndexError):
            return None
    return node


def fill(page, kind: str, params: dict, answer: dict, only=None) -> None:
    """Type or pick every field of `answer` the way a person would, by its label."""
    for spec in exercises.KINDS[kind].fields_for(params):
        if only is not None and spec.name not in only and spec.widget != "posts":
            continue
        name = exercises.form_name(spec.name)
        if spec.widget == "posts":
            for i, text in enumerate(_value(answer, spec.name)):
                if only is None or f"{spec.name}[{i}]" in only:
                    page.get_by_label(f"Post {i + 1}", exact=True).fill(text)
            continue
        value = _value(answer, spec.name)
        if value is None:
            continue
        if spec.widget == "radio":
            label = dict(spec.choices)[value]
            page.locator(f"fieldset#{name}").get_by_label(label, exact=True).check()
        elif spec.widget == "select":
            page.locator(f"#{name}").select_option(value)
        else:
            page.locator(f"#{name}").fill(value)


def with_mistake(answer: dict, mistake: dict) -> dict:
    values = {path: value for path, value in _paths(answer)}
    values.update(mistake)
    return exercises.build_answer(values)


def _paths(answer, prefix=""):
    for key, value in answer.items():
        path = f"{prefix}.{key}" if prefix else key
        if isinstance(value, list) and value and isinstance(value[0], dict):
            for i, item in enumerate(value):
                yield from _paths(item, f"{path}[{i}]")
        elif isinstance(value, list):
            for i, item in enumerate(value):
                yield f"{path}[{i}]", item
        else:
            yield path, value


def check_page(page) -> None:
    """No serious or critical axe violation; nothing wider than the phone."""
    results = Axe().run(page)
    serious = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert not serious, [(v["id"], [n["html"][:120] for n in v["nodes"][:3]]) for v in serious]
    scroll, client = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert scroll <= client, f"{page.url} scrolls sideways at 375 px: {scroll} > {client}"


@pytest.fixture
def page(browser, live_server, sign_in_as):
    """A learner's phone, signed in: a new person per journey, so the journeys together never
    reach the per-learner submission limit a person alone could not. Named `page` so a failure
    saves its screenshot."""
    _, email = live_server.make_user({Role.LEARNER, Role.TRAINER})
    context = browser.new_context(base_url=live_server.url, viewport=PHONE)
    context.set_default_timeout(10_000)
    tab = context.new_page()
    sign_in_as(tab, email)
    yield tab
    context.close()


@pytest.mark.parametrize("kind", sorted(JOURNEYS))
def test_one_exercise_of_each_kind_on_a_phone(page, live_server, kind):
    slug, key, mistake, at, words = JOURNEYS[kind]
    with live_server.app.app_context():
        module = catalog.published_module(slug)
        exercise = next(e for e in module.published.exercises if e.key == key)
        title, params = exercise.title, exercises.merged_params(kind, exercise.params)
        module_title = module.published.title
    answer = MODEL_ANSWERS[key]

    page.goto(f"/modules/{slug}")
    expect(page.get_by_role("heading", level=1)).to_have_text(module_title)
    page.get_by_role("link", name=title, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    check_page(page)

    # One mistake: the finding is next to the field at fault, what was typed is kept.
    fill(page, kind, params, with_mistake(answer, mistake))
    page.get_by_role("button", name="Check my answer").click()
    expect(page.get_by_text("Not yet.")).to_be_visible()
    findings = page.locator(f"#{at}-findings")
    expect(findings).to_contain_text(re.compile(re.escape(words), re.IGNORECASE))
    check_page(page)
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"kind-{kind}-375-findings.png", full_page=True)

    # Fixed: every field again as the model answer has it.
    fill(page, kind, params, answer, only=set(mistake))
    page.get_by_role("button", name="Check my answer").click()
    expect(page.get_by_text("Passed.")).to_be_visible()
    expect(page.locator(".finding-error")).to_have_count(0)


NEW_KINDS = ("review_reply", "facebook_ad", "monitoring_triage", "training_photo",
             "youtube_listing", "outreach")  # fmt: skip


@pytest.mark.parametrize("kind", NEW_KINDS)
def test_the_studio_settings_of_each_new_kind_on_a_phone(page, live_server, kind):
    slug, key, *_ = JOURNEYS[kind]
    page.goto(f"/studio/modules/{slug}/exercises/{key}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Edit exercise")
    for name in exercises.KINDS[kind].defaults:
        setting = exercises.params.SETTINGS[name]
        if setting.input == "options":
            expect(page.get_by_role("group", name=setting.label)).to_be_visible()
        else:
            expect(page.get_by_label(setting.label, exact=True)).to_be_visible()
    check_page(page)
