"""The registry of exercise kinds: one entry per kind, enough to build its form generically."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from . import (
    codes,
    crisis,
    facebook_ad,
    outreach,
    page_setup,
    post,
    profile,
    review_reply,
    thread,
    training_photo,
    triage,
    youtube,
)
from .fields import AnswerField, field_label, field_paths
from .findings import Finding, Result
from .params import check_params, coerce


@dataclass(frozen=True)
class ExerciseKind:
    """One kind of hands-on exercise: its answer form, its settings and its validator.

    - `name`: the key stored on an exercise (`Exercise.kind`) and used in `KINDS`.
    - `label`: what learners and trainers read ("Write a post").
    - `fields`: the answer form, in order. A field's `name` is a path into the answer
      (`text`, `posts`, `mentions[2].reply`, see fields.py); a learner's answer maps each path
      to the text typed (a list of texts for the "posts" widget).
    - `field_builder(params)`: instead of `fields`, for a kind whose form depends on its
      settings (one group of inputs per mention of a feed); see `fields_for`.
    - `codes`: what each finding code the validator returns means, in words that never quote
      an answer (codes.py holds those of the first five kinds).
    - `defaults`: every setting the kind takes, with its default; a trainer's settings are
      checked by `params.check_params` against these keys and overlaid on them by `coerce`.
    - `describer(params)`: the rules in plain sentences (see `describe`).
    - `validator(answer, params)`: the findings for an answer (see `validate`).

    Adding a kind: a module with DEFAULTS, CODES, `describe` and `validate`, and one entry in
    KINDS; every setting needs an entry in params.CHECKERS and params.SETTINGS.
    """

    name: str
    label: str
    fields: tuple[AnswerField, ...] = ()
    defaults: Mapping = field(default_factory=dict)
    describer: Callable[[dict], list[str]] = field(default=lambda params: [], repr=False)
    validator: Callable[[Mapping, dict], list[Finding]] = field(
        default=lambda answer, params: [], repr=False
    )
    field_builder: Callable[[dict], tuple[AnswerField, ...]] | None = field(
        default=None, repr=False
    )
    codes: Mapping[str, str] = field(default_factory=dict, repr=False)

    def describe(self, params=None) -> list[str]:
        """The rules that apply, in plain sentences, shown before the learner answers."""
        return self.describer(coerce(self.defaults, params))

    def validate(self, answer, params=None) -> Result:
        """Check a learner's answer against the rules `describe` states.

        `answer` maps field names to what was typed; anything else (None, a missing field,
        bytes, a number, megabytes of text) gives findings, never an exception. `params` are
        the exercise's settings (None for the defaults; bad values fall back to the default;
        an unknown platform raises ValueError, a programmer error). The result passes when no
        finding is an error; each finding names its field and says what to change.
        """
        return Result(tuple(self.validator(answer, coerce(self.defaults, params))))

    def fields_for(self, params=None) -> tuple[AnswerField, ...]:
        """The answer fields of an exercise with these parameters."""
        if self.field_builder is None:
            return self.fields
        return self.field_builder(coerce(self.defaults, params))

    def field_paths(self, params=None) -> set[str]:
        """Every field path a finding of this kind may name (None aside)."""
        return field_paths(self.fields_for(params))

    def field_label(self, path: str | None, params=None) -> str:
        """What a person calls the field a finding points at."""
        return field_label(self.fields_for(params), path)


def _pairs(values) -> tuple[tuple[str, str], ...]:
    return tuple((v, v) for v in values)


KINDS: dict[str, ExerciseKind] = {
    "post": ExerciseKind(
        "post",
        "Write a post",
        (
            AnswerField(
                "text",
                "Your post",
                "textarea",
                "Write the post as you would publish it, hashtags and link included.",
            ),
        ),
        post.DEFAULTS,
        post.describe,
        post.validate,
    ),
    "page_setup": ExerciseKind(
        "page_setup",
        "Set up a Facebook Page",
        (
            AnswerField("name", "Page name", "text", "Your clinic's name as people know it."),
            AnswerField("category", "Category", "select", "", _pairs(page_setup.CATEGORIES)),
            AnswerField("username", "Username", "text", "Letters, digits and periods only."),
            AnswerField("about", "About", "textarea", "Up to 100 characters: what you offer."),
            AnswerField("website", "Website", "text", "Starting with https://"),
            AnswerField("phone", "Phone", "text", "The clinic's public number."),
            AnswerField("email", "Email", "text", "The clinic's public address."),
            AnswerField(
                "address",
                "Address",
                "textarea",
                "Street and building number, town, and ZIP code or postcode.",
            ),
            AnswerField(
                "hours",
                "Opening hours",
                "textarea",
                "Days and times, e.g. Mon–Fri 8:00–18:00, Sat 9:00–12:00, Sun closed.",
            ),
            AnswerField(
                "call_to_action",
                "Button",
                "select",
                "What visitors should do next.",
                _pairs(page_setup.CALLS_TO_ACTION),
            ),
            AnswerField(
                "privacy_note",
                "Note to visitors",
                "textarea",
                "Ask people not to share personal health information on the Page, and say how "
                "to reach you privately and what to do in an emergency.",
            ),
        ),
        page_setup.DEFAULTS,
        page_setup.describe,
        page_setup.validate,
    ),
    "profile": ExerciseKind(
        "profile",
        "Write a LinkedIn profile",
        (
            AnswerField("headline", "Headline", "text", "Your role and specialty, in one line."),
            AnswerField("about", "About", "textarea", "Who you are and what you care about."),
            AnswerField("role", "Role", "text", "e.g. Registered Nurse"),
            AnswerField("specialty", "Specialty", "text", "e.g. Cardiology"),
        ),
        profile.DEFAULTS,
        profile.describe,
        profile.validate,
    ),
    "crisis_update": ExerciseKind(
        "crisis_update",
        "Write a crisis update",
        (
            AnswerField(
                "text",
                "Your update",
                "textarea",
                "Say what happened, where, what people should do, and link an official source.",
            ),
        ),
        crisis.DEFAULTS,
        crisis.describe,
        crisis.validate,
    ),
    "live_thread": ExerciseKind(
        "live_thread",
        "Write a live thread",
        (
            AnswerField("posts", "Posts", "posts", "One post per box, numbered 1/5, 2/5, ..."),
            AnswerField(
                "threaded",
                "Posted as replies in one thread?",
                "select",
                "Choose yes if you numbered nothing because each post replies to the one before.",
                (("no", "No"), ("yes", "Yes")),
            ),
        ),
        thread.DEFAULTS,
        thread.describe,
        thread.validate,
    ),
    "review_reply": ExerciseKind(
        "review_reply",
        "Reply to a patient's review",
        defaults=review_reply.DEFAULTS,
        describer=review_reply.describe,
        validator=review_reply.validate,
        field_builder=review_reply.fields,
        codes=review_reply.CODES,
    ),
    "facebook_ad": ExerciseKind(
        "facebook_ad",
        "Write a Facebook ad for a health service",
        facebook_ad.FIELDS,
        facebook_ad.DEFAULTS,
        facebook_ad.describe,
        facebook_ad.validate,
        codes=facebook_ad.CODES,
    ),
    "monitoring_triage": ExerciseKind(
        "monitoring_triage",
        "Triage a monitoring feed",
        defaults=triage.DEFAULTS,
        describer=triage.describe,
        validator=triage.validate,
        field_builder=triage.fields,
        codes=triage.CODES,
    ),
    "training_photo": ExerciseKind(
        "training_photo",
        "Share a training photo or video",
        training_photo.FIELDS,
        training_photo.DEFAULTS,
        training_photo.describe,
        training_photo.validate,
        codes=training_photo.CODES,
    ),
    "youtube_listing": ExerciseKind(
        "youtube_listing",
        "List a video on YouTube",
        youtube.FIELDS,
        youtube.DEFAULTS,
        youtube.describe,
        youtube.validate,
        codes=youtube.CODES,
    ),
    "outreach": ExerciseKind(
        "outreach",
        "Reach out to an expert or peers",
        defaults=outreach.DEFAULTS,
        describer=outreach.describe,
        validator=outreach.validate,
        field_builder=outreach.fields,
        codes=outreach.CODES,
    ),
}

#: Every finding code of every kind -> what it means, without the learner's words.
FINDING_CODES: dict[str, str] = {**codes.CODES}
for _kind in KINDS.values():
    FINDING_CODES.update(_kind.codes)


def describe_code(code: str) -> str:
    """A finding code in words for people other than the learner (see codes.py)."""
    return codes.describe_code(code, FINDING_CODES)


def get_kind(kind: str) -> ExerciseKind:
    """The registered kind; ValueError for an unknown one (a programmer error)."""
    try:
        return KINDS[kind]
    except (KeyError, TypeError):
        raise ValueError(
            f"unknown exercise kind {kind!r}; expected one of {sorted(KINDS)}"
        ) from None


def merged_params(kind: str, params=None) -> dict:
    """The kind's defaults overlaid with `params` (bad values fall back to the default)."""
    return coerce(get_kind(kind).defaults, params)


def validate_params(kind: str, params) -> list[Finding]:
    """Findings for the trainer's editor, one per bad or unknown parameter (field = its name)."""
    return check_params(get_kind(kind).defaults, params)


def check(kind: str, answer, params=None) -> Result:
    """Validate a learner's `answer` (field name -> text) for an exercise of `kind`.

    Never raises for a bad answer: junk gives findings. Raises ValueError only for an
    unknown kind or an unknown platform parameter.
    """
    return get_kind(kind).validate(answer, params)
