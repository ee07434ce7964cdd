"""The `youtube_listing` exercise: title, description and hashtags of a hospital's video.

Rules from secondary sources on YouTube's video listing (all S): a title of at most 100
characters, a description of at most 5,000; the first three hashtags of the description show
above the title, more than 60 and YouTube ignores every one, 15 or fewer recommended. Hashtags
are read as X's parser reads them (hashtags.py), which YouTube's display matches for the
common cases. That a health claim needs a source link is our teaching rule (U), found by a
word list, English only.
"""

from __future__ import annotations

import re

from . import limits
from .answers import phi_findings, read_text
from .fields import AnswerField
from .findings import Finding, error, warning
from .hashtags import HASH_SIGNS, extract_hashtags
from .links import OFFICIAL_DOMAINS, find_links, is_official
from .params import normalise_tag
from .post import check_hashtag_form

DEFAULTS = {
    "min_hashtags": 1,
    "required_hashtags": [],
    "organisation_domain": "example.org",
    "official_domains": list(OFFICIAL_DOMAINS),
}

CODES = {
    "yt_title_empty": "No title",
    "yt_title_too_long": "The title was over YouTube's 100 characters",
    "yt_description_empty": "No description",
    "yt_description_too_long": "The description was over YouTube's 5,000 characters",
    "yt_hashtag_field_word": "A word without # in the hashtags box",
    "yt_hashtags_ignored": "More than 60 hashtags, so YouTube ignores them all",
    "yt_hashtags_many": "More hashtags than YouTube recommends",
    "yt_hashtag_not_shown": "A required hashtag was not among the three shown above the title",
    "yt_source_missing": "A health claim without a link to its source",
}

FIELDS = (
    AnswerField("title", "Title", "text", "What the video teaches, in a few words."),
    AnswerField(
        "description",
        "Description",
        "textarea",
        "What viewers will learn, who it is for, and a link to the source of any health advice.",
        rows=8,
    ),
    AnswerField(
        "hashtags",
        "Hashtags",
        "text",
        "Added at the end of the description, e.g. #HandHygiene #InfectionControl",
        autocomplete="off",
    ),
)

_CLAIM = re.compile(
    r"\b(?:prevent\w*|reduc\w*|protects?|protection|cures?|cured|heals?|lowers?|lowering"
    r"|risks?|effective(?:ly|ness)?|proven|studies|study|research|evidence|recommend\w*"
    r"|kills?|germs|spread|infections?|\d+\s*(?:%|percent))\b",
    re.IGNORECASE,
)


def describe(params: dict) -> list[str]:
    """The listing's rules, as shown before the learner answers."""
    rules = [
        f"Title: at most {limits.YOUTUBE_TITLE_MAX} characters.",
        f"Description: at most {limits.YOUTUBE_DESCRIPTION_MAX:,} characters, hashtags included.",
        f"Hashtags: at least {params['min_hashtags']}. YouTube shows the first "
        f"{limits.YOUTUBE_HASHTAGS_SHOWN} above the title, recommends "
        f"{limits.YOUTUBE_HASHTAGS_ADVISED_MAX} or fewer, and ignores them all past "
        f"{limits.YOUTUBE_HASHTAGS_IGNORED_OVER}.",
    ]
    if params["required_hashtags"]:
        tags = ", ".join("#" + normalise_tag(t) for t in params["required_hashtags"])
        rules.append(
            f"Include {tags} among the first {limits.YOUTUBE_HASHTAGS_SHOWN}, capitalised as shown."
        )
    rules += [
        "Health advice needs its source: link a health authority or your organisation's site "
        f"({params['organisation_domain']}) in the description.",
        "Leave out anything that could identify a patient, in every field.",
    ]
    return rules


def _hashtag_box(text: str) -> list[Finding]:
    words = [w for w in text.replace(",", " ").split() if w]
    stray = [w for w in words if w[0] not in HASH_SIGNS]
    if not stray:
        return []
    return [
        error(
            "yt_hashtag_field_word",
            "hashtags",
            f"'{stray[0][:40]}' has no #, so it is not a hashtag. Write each as #Word, "
            "separated by spaces.",
        )
    ]


def _hashtag_rules(tags: list[str], params: dict) -> list[Finding]:
    distinct = list(dict.fromkeys(t.casefold() for t in tags))
    out = []
    if len(distinct) < params["min_hashtags"]:
        out.append(
            error(
                "hashtag_too_few",
                "hashtags",
                f"Add at least {params['min_hashtags']} hashtag(s) so people searching for the "
                "topic find the video, e.g. #HandHygiene.",
            )
        )
    if len(tags) > limits.YOUTUBE_HASHTAGS_IGNORED_OVER:
        out.append(
            error(
                "yt_hashtags_ignored",
                "hashtags",
                f"There are {len(tags)} hashtags: past {limits.YOUTUBE_HASHTAGS_IGNORED_OVER} "
                f"YouTube ignores them all. Keep {limits.YOUTUBE_HASHTAGS_ADVISED_MAX} or fewer.",
            )
        )
    elif len(tags) > limits.YOUTUBE_HASHTAGS_ADVISED_MAX:
        out.append(
            warning(
                "yt_hashtags_many",
                "hashtags",
                f"There are {len(tags)} hashtags; YouTube recommends "
                f"{limits.YOUTUBE_HASHTAGS_ADVISED_MAX} or fewer. Keep the ones people search for.",
            )
        )
    shown = distinct[: limits.YOUTUBE_HASHTAGS_SHOWN]
    for required in params["required_hashtags"]:
        tag = normalise_tag(required)
        written = [t for t in tags if t.casefold() == tag.casefold()]
        if not written:
            out.append(error("hashtag_missing", "hashtags", f"Add the hashtag #{tag}."))
            continue
        # As for posts: a tag the trainer wrote with capitals is written so (the lesson
        # teaches CamelCase for readers and screen readers); one in small letters takes any.
        if tag != tag.lower() and tag not in written:
            out.append(
                error(
                    "hashtag_case",
                    "hashtags",
                    f"Write #{written[0]} as #{tag}, capitalised as shown: YouTube finds both, "
                    "but a capital at the start of each word lets every reader, and screen "
                    "readers, see the words.",
                )
            )
        if tag.casefold() not in shown:
            out.append(
                warning(
                    "yt_hashtag_not_shown",
                    "hashtags",
                    f"#{tag} is not among the first {limits.YOUTUBE_HASHTAGS_SHOWN} hashtags, so "
                    "it will not show above the title. Move it forward.",
                )
            )
    return out


def _source(title: str, description: str, params: dict) -> list[Finding]:
    claim = _CLAIM.search(title) or _CLAIM.search(description)
    if not claim:
        return []
    org, official = params["organisation_domain"], params["official_domains"]
    if any(is_official(link.host, org, official) for link in find_links(description)):
        return []
    return [
        error(
            "yt_source_missing",
            "description",
            f"The listing gives health advice ('{claim.group(0)}'): link its source in the "
            "description, a health authority such as https://www.cdc.gov/handwashing or your "
            f"organisation's page (https://{org}/...).",
        )
    ]


def validate(answer, params: dict) -> list[Finding]:
    """Check a video's title, description and hashtags.

    Answer: `{"title", "description", "hashtags"}`, all text. Errors: yt_title_empty,
    yt_title_too_long, yt_description_empty, yt_description_too_long, yt_hashtag_field_word,
    yt_hashtags_ignored, yt_source_missing, hashtag_too_few, hashtag_missing, hashtag_case
    (a required tag with capitals written otherwise), the hashtag-form
    codes of post.check_hashtag_form, phi_<kind>. Warnings: yt_hashtags_many,
    yt_hashtag_not_shown.
    """
    title, out = read_text(answer, "title", "The title")
    description, more = read_text(answer, "description", "The description")
    hashtags, more2 = read_text(answer, "hashtags", "The hashtags")
    out += more + more2
    if not title.strip():
        out.append(error("yt_title_empty", "title", "Give the video a title."))
    elif len(title.strip()) > limits.YOUTUBE_TITLE_MAX:
        out.append(
            error(
                "yt_title_too_long",
                "title",
                f"The title is {len(title.strip())} characters; YouTube allows "
                f"{limits.YOUTUBE_TITLE_MAX}. Say what the video teaches in fewer words.",
            )
        )
    if not description.strip():
        out.append(
            error(
                "yt_description_empty",
                "description",
                "Write a description: what viewers will learn and who the video is for.",
            )
        )
    full = description.strip() + ("\n\n" + hashtags.strip() if hashtags.strip() else "")
    if len(full) > limits.YOUTUBE_DESCRIPTION_MAX:
        out.append(
            error(
                "yt_description_too_long",
                "description",
                f"The description with its hashtags is {len(full):,} characters; YouTube "
                f"allows {limits.YOUTUBE_DESCRIPTION_MAX:,}.",
            )
        )
    out += _hashtag_box(hashtags)
    out += check_hashtag_form(description, "description")
    out += check_hashtag_form(hashtags, "hashtags")
    out += _hashtag_rules(extract_hashtags(description) + extract_hashtags(hashtags), params)
    out += _source(title, description, params)
    org = params["organisation_domain"]
    for name, text, label in (
        ("title", title, "the title"),
        ("description", description, "the description"),
        ("hashtags", hashtags, "the hashtags"),
    ):
        out += phi_findings(text, name, label, organisation_domain=org)
    return out
