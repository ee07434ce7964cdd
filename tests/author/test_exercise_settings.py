"""The exercise editor's settings form: one labelled input per parameter of the kind, findings
next to their input, only changed parameters stored, and the learner's page following them."""

from html import unescape
from html.parser import HTMLParser

import pytest

from course import exercises
from course.services import authoring

from .conftest import module

NEW = "/studio/modules/editing/exercises/new"


class PostForm(HTMLParser):
    """What a browser would send for the page's POST form, plus each field's error message."""

    def __init__(self, html: str):
        super().__init__()
        self.values: dict[str, str] = {}
        self.errors: dict[str, str] = {}
        self.labels: set[str] = set()
        self.ids: dict[str, str] = {}
        self._in_form = False
        self._textarea = self._select = self._error = None
        self._selected = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._in_form = a.get("method") == "post"
        if not self._in_form:
            return
        if tag == "label":
            self.labels.add(a.get("for", ""))
        elif tag == "input" and a.get("type") not in ("submit",):
            self.ids[a["name"]] = a.get("id", "")
            if a.get("type") != "checkbox":
                self.values[a["name"]] = a.get("value", "")
            elif "checked" in a:
                value, name = a.get("value", "y"), a["name"]
                if name in self.values:  # a group of checkboxes sends a list of values
                    held = self.values[name]
                    self.values[name] = [*held, value] if isinstance(held, list) else [held, value]
                else:
                    self.values[name] = value
        elif tag == "textarea":
            self._textarea = a["name"]
            self.ids[a["name"]] = a.get("id", "")
            self.values[a["name"]] = ""
        elif tag == "select":
            self._select = a["name"]
            self.ids[a["name"]] = a.get("id", "")
        elif tag == "option" and self._select and (self._selected is None or "selected" in a):
            self._selected = a.get("value", "")
        elif tag == "p" and a.get("id", "").endswith("-error"):
            self._error = a["id"].removesuffix("-error")
            self.errors[self._error] = ""

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_form = False
        elif tag == "textarea" and self._textarea:
            # browsers drop the newline that starts a textarea's content, as WTForms expects
            text = self.values[self._textarea]
            self.values[self._textarea] = text.removeprefix("\r\n").removeprefix("\n")
            self._textarea = None
        elif tag == "select" and self._select:
            self.values[self._select] = self._selected or ""
            self._select = self._selected = None
        elif tag == "p":
            self._error = None

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea] += data
        if self._error:
            self.errors[self._error] += data


def read_form(response) -> PostForm:
    return PostForm(response.get_data(as_text=True))


@pytest.fixture
def draft(app, trainer):
    return authoring.create_module(trainer.id, "editing", "Editing")


def new_exercise_form(client, kind: str) -> dict:
    """The new-exercise form for `kind` as a browser would send it untouched, titled."""
    form = read_form(client.get(f"{NEW}?kind={kind}"))
    return form.values | {"title": f"A {kind} exercise"}


def test_each_input_has_a_label_help_and_the_default(draft, as_trainer):
    response = as_trainer.get(f"{NEW}?kind=post")
    assert response.status_code == 200
    form = read_form(response)
    settings = {k: v for k, v in form.values.items() if k.startswith("settings-")}
    assert settings == {
        "settings-platform": "x",
        "settings-min_hashtags": "1",
        "settings-max_hashtags": "3",
        "settings-required_hashtags": "",
        "settings-organisation_domain": "example.org",
    }  # require_link and require_official_source: unticked checkboxes, not sent
    assert {form.ids[name] for name in form.ids if name.startswith("settings-")} <= form.labels
    page = unescape(response.get_data(as_text=True))
    assert 'type="number"' in page
    assert 'type="checkbox"' in page
    assert "Separate them with commas or new lines." in page
    assert "Fewest hashtags" in page
    assert ">X (Twitter)</option>" in page
    assert "YAML" not in page


@pytest.mark.parametrize(
    ("kind", "typed", "stored"),
    [
        (
            "post",
            {"settings-platform": "facebook", "settings-min_hashtags": "2",
             "settings-max_hashtags": "4", "settings-required_hashtags": "#FluShot,\nVaccines",
             "settings-require_link": "y", "settings-organisation_domain": " Clinic.Example.ORG"},
            {"platform": "facebook", "min_hashtags": 2, "max_hashtags": 4,
             "required_hashtags": ["#FluShot", "Vaccines"], "require_link": True,
             "organisation_domain": "clinic.example.org"},
        ),
        (
            "page_setup",
            {"settings-country": "gb", "settings-categories": "Hospital\nNurse, Doctor"},
            {"country": "GB", "categories": ["Hospital", "Nurse", "Doctor"]},
        ),
        (
            "profile",
            {"settings-require_specialty": None},
            {"require_specialty": False},
        ),
        (
            "crisis_update",
            {"settings-platform": "linkedin", "settings-official_domains": "cdc.gov, who.int"},
            {"platform": "linkedin", "official_domains": ["cdc.gov", "who.int"]},
        ),
        (
            "live_thread",
            {"settings-min_posts": "4", "settings-max_posts": " 6 "},
            {"min_posts": 4, "max_posts": 6},
        ),
        (
            "review_reply",
            {"settings-review": "Never called me back.\r\nAvoid.", "settings-stars": "1",
             "settings-reviewer": "Sam K.", "settings-country": "gb"},
            {"review": "Never called me back.\nAvoid.", "stars": 1, "reviewer": "Sam K.",
             "country": "GB"},
        ),
        (
            "facebook_ad",
            {"settings-organisation_domain": "Riverside.example.org"},
            {"organisation_domain": "riverside.example.org"},
        ),
        (
            "monitoring_triage",
            {"settings-mentions": ["spam", "question", "rumour"],
             "settings-organisation_name": "St Mary's", "settings-platform": "facebook"},
            {"mentions": ["question", "rumour", "spam"], "organisation_name": "St Mary's",
             "platform": "facebook"},
        ),
        (
            "training_photo",
            {"settings-platform": "linkedin", "settings-required_hashtags": "NurseEd"},
            {"platform": "linkedin", "required_hashtags": ["NurseEd"]},
        ),
        (
            "youtube_listing",
            {"settings-min_hashtags": "2", "settings-required_hashtags": "#HandHygiene"},
            {"min_hashtags": 2, "required_hashtags": ["#HandHygiene"]},
        ),
        (
            "outreach",
            {"settings-channel": "group_post"},
            {"channel": "group_post"},
        ),
    ],
)  # fmt: skip
def test_each_kind_saves_only_the_settings_that_differ_from_its_defaults(
    draft, as_trainer, kind, typed, stored
):
    data = new_exercise_form(as_trainer, kind)
    data |= {k: v for k, v in typed.items() if v is not None}
    for name in [k for k, v in typed.items() if v is None]:
        data.pop(name)  # an unticked checkbox
    response = as_trainer.post(NEW, data=data)
    assert response.status_code == 302, response.text
    (exercise,) = module("editing").draft.exercises
    assert (exercise.kind, exercise.params) == (kind, stored)

    # The editor shows the saved values; sending it back unchanged changes nothing.
    page = as_trainer.get(f"/studio/modules/editing/exercises/{exercise.key}")
    again = read_form(page).values
    assert as_trainer.post(page.request.path, data=again).status_code == 302
    assert module("editing").draft.exercises[0].params == stored


def test_untouched_settings_store_nothing(draft, as_trainer):
    for kind in exercises.KINDS:
        response = as_trainer.post(NEW, data=new_exercise_form(as_trainer, kind))
        assert response.status_code == 302, response.text
    assert [e.params for e in module("editing").draft.exercises] == [{}] * len(exercises.KINDS)


@pytest.mark.parametrize(
    ("kind", "typed", "field", "message"),
    [
        ("post", {"min_hashtags": "two"}, "min_hashtags",
         "Fewest hashtags must be a whole number, 0 or more."),
        ("post", {"max_hashtags": ""}, "max_hashtags",
         "Most hashtags must be a positive whole number."),
        ("post", {"min_hashtags": "5", "max_hashtags": "3"}, "min_hashtags",
         "Fewest hashtags (5) is more than Most hashtags (3)."),
        ("post", {"required_hashtags": "#FluShot, #1"}, "required_hashtags",
         "'#1' is not a hashtag X would recognise"),
        ("post", {"organisation_domain": "our clinic"}, "organisation_domain",
         "Your organisation's domain must be a domain name such as example.org."),
        ("post", {"platform": "myspace"}, "platform", "Platform must be one of"),
        ("crisis_update", {"official_domains": "cdc.gov\nnot a domain"}, "official_domains",
         "Official sources has entries that are not domains: ['not a domain']."),
        ("crisis_update", {"official_domains": " , "}, "official_domains",
         "Official sources must be a list of domain names."),
        ("page_setup", {"country": "Narnia"}, "country",
         "Country or region must be a region code such as US or GB."),
        ("page_setup", {"categories": ""}, "categories",
         "Page categories learners may choose must be a non-empty list of names."),
        ("live_thread", {"min_posts": "8", "max_posts": "4"}, "min_posts",
         "Fewest posts (8) is more than Most posts (4)."),
        ("live_thread", {"max_posts": "2.5"}, "max_posts", "Most posts must be a positive"),
        ("review_reply", {"stars": "0"}, "stars", "Stars must be a whole number from 1 to 5."),
        ("review_reply", {"review": "  "}, "review", "The review must not be empty."),
        ("review_reply", {"reviewer": "x" * 101}, "reviewer",
         "Reviewer's name must be at most 100 characters (101 now)."),
        ("monitoring_triage", {"organisation_name": ""}, "organisation_name",
         "Organisation's name must not be empty."),
        ("monitoring_triage", {"mentions": ["spam", "rumour"]}, "mentions",
         "Mentions in the feed must list at least 3 of:"),
        ("outreach", {"channel": "fax"}, "channel", "Channel must be one of: invitation"),
    ],
)  # fmt: skip
def test_a_bad_setting_is_shown_next_to_its_input_and_keeps_what_was_typed(
    draft, as_trainer, kind, typed, field, message
):
    data = new_exercise_form(as_trainer, kind) | {f"settings-{k}": v for k, v in typed.items()}
    response = as_trainer.post(NEW, data=data)
    assert response.status_code == 422
    form = read_form(response)
    assert message in unescape(form.errors[f"settings-{field}"])
    assert [name for name in form.errors if name.startswith("settings-")] == [f"settings-{field}"]
    if field not in ("platform", "channel"):  # a select shows its choices, not what was sent
        for name, value in typed.items():
            shown = form.values[f"settings-{name}"]
            if isinstance(value, list):  # ticked boxes, in the order of the choices
                assert sorted(shown) == sorted(value)
            else:
                assert shown == value
    assert form.values["title"] == f"A {kind} exercise"
    page = response.get_data(as_text=True)
    assert f'aria-describedby="settings-{field}-hint settings-{field}-error"' in page
    assert "There is a problem" in page
    assert module("editing").draft.exercises == []


def test_a_bad_setting_loses_nothing_saved(draft, trainer, as_trainer):
    saved = {"platform": "linkedin", "required_hashtags": ["FluShot"]}
    exercise = authoring.save_exercise(draft, trainer.id, None, "post", "Post", "", saved)
    path = f"/studio/modules/editing/exercises/{exercise.key}"
    data = read_form(as_trainer.get(path)).values
    assert data["settings-required_hashtags"] == "FluShot"
    assert data["settings-platform"] == "linkedin"
    response = as_trainer.post(path, data=data | {"settings-max_hashtags": "many", "title": "New"})
    assert response.status_code == 422
    assert read_form(response).values["settings-max_hashtags"] == "many"
    stored = module("editing").draft.exercises[0]
    assert (stored.title, stored.params) == ("Post", saved)


def test_picking_another_kind_shows_its_settings_and_keeps_the_shared_ones(
    draft, trainer, as_trainer
):
    saved = {"platform": "linkedin", "organisation_domain": "clinic.org", "min_hashtags": 2}
    exercise = authoring.save_exercise(draft, trainer.id, None, "post", "Post", "", saved)
    path = f"/studio/modules/editing/exercises/{exercise.key}"
    response = as_trainer.get(f"{path}?kind=crisis_update")
    assert response.status_code == 200
    form = read_form(response)
    assert form.values["kind"] == "crisis_update"
    assert form.values["settings-platform"] == "linkedin"
    assert form.values["settings-organisation_domain"] == "clinic.org"
    assert "settings-official_domains" in form.values
    assert "settings-min_hashtags" not in form.values
    assert "Not saved yet" in unescape(response.get_data(as_text=True))
    assert module("editing").draft.exercises[0].kind == "post"

    response = as_trainer.post(path, data=form.values)
    assert response.status_code == 302, response.text
    stored = module("editing").draft.exercises[0]
    assert stored.kind == "crisis_update"
    assert stored.params == {"platform": "linkedin", "organisation_domain": "clinic.org"}


def test_the_kind_picker_is_a_get_form_with_a_label(draft, as_trainer):
    page = as_trainer.get(NEW).get_data(as_text=True)
    assert '<form method="get"' in page
    assert '<label class="label" for="kind">Kind</label>' in page
    assert as_trainer.get(f"{NEW}?kind=nonsense").status_code == 200  # the default kind


@pytest.mark.parametrize("kind", ["nonsense", ""])
def test_an_unknown_posted_kind_is_refused_not_a_crash(draft, as_trainer, kind):
    data = new_exercise_form(as_trainer, "post") | {"kind": kind}
    response = as_trainer.post(NEW, data=data)
    assert response.status_code == 422
    assert "Choose a kind" in response.get_data(as_text=True)
    assert module("editing").draft.exercises == []


def test_the_learner_page_follows_the_new_settings(share_information, trainer, as_trainer, auth,
                                                   learner):  # fmt: skip
    post = (
        "Flu season is here. Get your flu vaccine, wash your hands often, cover coughs and "
        "sneezes, and stay home when ill. See a doctor if you have trouble breathing. Find a "
        "vaccine near you: https://www.cdc.gov/flu/ #FluSeason"
    )
    learner_path = "/modules/share-information/exercises/flu-season-post"
    auth.sign_out()
    auth.sign_in(learner)
    assert as_trainer.post(learner_path, data={"text": post}).status_code == 200

    auth.sign_out()
    auth.sign_in(trainer)
    path = "/studio/modules/share-information/exercises/flu-season-post"
    data = read_form(as_trainer.get(path)).values
    assert data["settings-required_hashtags"] == "FluSeason"
    data["settings-required_hashtags"] = "FluSeason, #Vaccines"
    assert as_trainer.post(path, data=data).status_code == 302
    assert module("share-information").draft.exercises[0].params["required_hashtags"] == [
        "FluSeason",
        "#Vaccines",
    ]
    authoring.publish(module("share-information"), trainer.id, "Vaccines hashtag")

    auth.sign_out()
    auth.sign_in(learner)
    page = as_trainer.get(learner_path).get_data(as_text=True)
    assert "Include these hashtags, capitalised as shown: #FluSeason, #Vaccines." in page
    response = as_trainer.post(learner_path, data={"text": post})
    assert response.status_code == 422
    assert "Add the hashtag #Vaccines (capitalised as shown)." in response.get_data(as_text=True)
