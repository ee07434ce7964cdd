"""The `training_photo` exercise: share a photo or video from a training session, safely.

The checker cannot see pictures (PHI_LIMITS says so), so the learner answers a checklist about
the picture, one question per thing that leaks patient information in training photos: people
recognisable without written consent (HIPAA Safe Harbor's full-face photographs and any
identifying characteristic, 45 CFR 164.514(b)(2)), patients in frame, screens, boards, charts
and wristbands, legible name badges. Each answer is a field with its own finding. The caption
is checked as a post for the chosen platform: length, hashtags, patient information.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import limits
from .answers import phi_findings, read_text
from .fields import AnswerField, FieldGroup
from .findings import Finding, error
from .params import normalise_tag
from .post import check_hashtag_form, check_hashtag_rules, check_length

DEFAULTS = {
    "platform": "x",
    "min_hashtags": 0,
    "max_hashtags": limits.POST_DEFAULT_MAX_HASHTAGS,
    "required_hashtags": [],
    "organisation_domain": "example.org",
}


@dataclass(frozen=True)
class ChecklistItem:
    """One question about the picture: the answers that are safe, and what to do otherwise."""

    name: str
    question: str
    choices: tuple[tuple[str, str], ...]
    safe: frozenset[str]
    code: str
    fix: str
    #: What an unsafe answer means, for people other than the learner (item analysis).
    description: str


_YES_NO = (("no", "No"), ("yes", "Yes"))

#: The checklist, in the order a person looks at a picture.
CHECKLIST = (
    ChecklistItem(
        "consent",
        "Has everyone who can be recognised in it agreed in writing?",
        (
            ("written", "Yes: each of them signed our consent form"),
            ("nobody", "Nobody can be recognised in it"),
            ("verbal", "They said yes, but nobody signed anything"),
            ("not_asked", "Not everyone was asked"),
        ),
        frozenset({"written", "nobody"}),
        "photo_consent",
        "Get written consent, on your organisation's form, from everyone who can be "
        "recognised, before you share it: a spoken yes leaves no record when someone changes "
        "their mind. Or choose a picture in which nobody can be recognised.",
        "Someone recognisable had not agreed in writing",
    ),
    ChecklistItem(
        "patients",
        "Can a patient be seen, even in the background or only partly?",
        (("no", "No: only staff, volunteers or a training manikin"), ("yes", "Yes")),
        frozenset({"no"}),
        "photo_patient",
        "A training picture must show no patient at all, not even a hand, a reflection or a "
        "figure in the background. Retake it in the training room, or with a manikin.",
        "A patient could be seen",
    ),
    ChecklistItem(
        "screens",
        "Is a screen, monitor or computer display in the frame?",
        _YES_NO,
        frozenset({"no"}),
        "photo_screen",
        "Retake it without the screen, or crop the screen out completely: a monitor can show "
        "a name, a date of birth or results that anyone can zoom in on.",
        "A screen was in the frame",
    ),
    ChecklistItem(
        "boards",
        "Is a whiteboard, patient board or handwritten notice in the frame?",
        _YES_NO,
        frozenset({"no"}),
        "photo_board",
        "Retake it without the board: ward boards list names, beds and plans of care, and "
        "zooming in makes them legible.",
        "A board or handwritten notice was in the frame",
    ),
    ChecklistItem(
        "paperwork",
        "Are charts, notes, forms or labelled medicine in the frame?",
        _YES_NO,
        frozenset({"no"}),
        "photo_paperwork",
        "Clear the charts, notes, forms and labelled medicine out of the frame and retake it.",
        "Charts, notes or labelled medicine were in the frame",
    ),
    ChecklistItem(
        "wristbands",
        "Is a wristband or a patient label in the frame?",
        _YES_NO,
        frozenset({"no"}),
        "photo_wristband",
        "Retake it without the wristband or label: they carry a name, a date of birth and a "
        "record number.",
        "A wristband or patient label was in the frame",
    ),
    ChecklistItem(
        "badges",
        "Can anyone's name badge be read?",
        (
            ("no", "No: no badge can be read"),
            ("consented", "Yes, and each wearer agreed to show their name"),
            ("yes", "Yes, and I have not asked them"),
        ),
        frozenset({"no", "consented"}),
        "photo_badge",
        "Ask each wearer whether they agree to show their name online, or retake the picture "
        "with the badges turned away: a name makes a colleague easy to find and contact.",
        "A name badge could be read without its wearer's consent",
    ),
)

CODES = {
    "caption_empty": "No caption",
    "photo_unanswered": "A checklist question was not answered",
    **{item.code: item.description for item in CHECKLIST},
}

_PICTURE = FieldGroup(
    "picture",
    "About the picture",
    help="Answer for the photo or video you want to share, as it will be published.",
)

FIELDS = (
    AnswerField(
        "caption",
        "Caption",
        "textarea",
        "The text you publish with the picture, hashtags included.",
        rows=4,
    ),
    *(
        AnswerField(item.name, item.question, "radio", choices=item.choices, group=_PICTURE)
        for item in CHECKLIST
    ),
)


def describe(params: dict) -> list[str]:
    """The rules for the caption and the picture, as shown before the learner answers."""
    platform = limits.PLATFORM_LABELS[params["platform"]]
    limit = limits.POST_MAX_LENGTH[params["platform"]]
    rules = [
        f"Caption: a post for {platform} of at most {limit:,} characters, with "
        f"{params['min_hashtags']} to {params['max_hashtags']} hashtags, and nothing that "
        "could identify a patient.",
    ]
    if params["required_hashtags"]:
        tags = [normalise_tag(t) for t in params["required_hashtags"]]
        shown = ", capitalised as shown" if any(t != t.lower() for t in tags) else ""
        rules.append(f"Include these hashtags{shown}: {', '.join('#' + t for t in tags)}.")
    rules += [
        "The picture: everyone who can be recognised has agreed in writing.",
        "No patient in it, and no screen, board, chart, wristband or label in the frame.",
        "Name badges can be read only if their wearers agreed.",
    ]
    return rules


def validate(answer, params: dict) -> list[Finding]:
    """Check the caption and the checklist about the picture.

    Answer: `{"caption": str, "consent": str, "patients": str, ...}`, one value per
    CHECKLIST item (a choice's value). Errors: caption_empty, the length and hashtag codes of
    post.py, phi_<kind>, photo_unanswered, and each item's code (photo_consent, photo_patient,
    photo_screen, photo_board, photo_paperwork, photo_wristband, photo_badge).
    """
    caption, out = read_text(answer, "caption", "The caption")
    if not caption.strip():
        out.append(
            error("caption_empty", "caption", "Write the caption you would publish with it.")
        )
    else:
        out += check_length(caption, "caption", params["platform"], "Your caption")
        out += check_hashtag_form(caption, "caption")
        out += check_hashtag_rules(caption, "caption", params)
        out += phi_findings(
            caption,
            "caption",
            "your caption",
            organisation_domain=params["organisation_domain"],
        )
    for item in CHECKLIST:
        value, problems = read_text(answer, item.name, item.question)
        out += problems
        value = value.strip()
        if value not in {v for v, _ in item.choices}:
            out.append(
                error("photo_unanswered", item.name, "Answer this question about the picture.")
            )
        elif value not in item.safe:
            out.append(error(item.code, item.name, item.fix))
    return out
