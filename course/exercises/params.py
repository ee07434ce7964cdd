"""Checking the parameters a trainer sets on an exercise."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace

import phonenumbers

from . import limits
from .choices import CHANNELS, MENTIONS
from .findings import Finding, error
from .hashtags import is_valid_hashtag
from .links import is_domain


def normalise_tag(tag: str) -> str:
    """A required hashtag as trainers may write it ("#FluShot" or "FluShot") without sign."""
    return tag.strip().lstrip("#\uff03")


def _bool(name, value):
    if not isinstance(value, bool):
        return [error("param_not_bool", name, f"{name} must be true or false.")]
    return []


def _count(minimum: int):
    def check(name, value):
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            kind = "a positive whole number" if minimum else "a whole number, 0 or more"
            return [error("param_not_count", name, f"{name} must be {kind}.")]
        return []

    return check


def _platform(name, value):
    if value not in limits.PLATFORMS:
        return [
            error("param_platform", name, f"{name} must be one of: {', '.join(limits.PLATFORMS)}.")
        ]
    return []


def _hashtags(name, value):
    if not isinstance(value, list | tuple):
        return [error("param_not_list", name, f"{name} must be a list of hashtags.")]
    out = []
    for tag in value:
        if not isinstance(tag, str) or not is_valid_hashtag("#" + normalise_tag(tag)):
            out.append(
                error(
                    "param_hashtag_invalid",
                    name,
                    f"{tag!r} is not a hashtag X would recognise: use letters, digits and _ only, "
                    "with at least one letter (e.g. #FluShot).",
                )
            )
    return out


def _domain(name, value):
    if not is_domain(value):
        return [error("param_domain", name, f"{name} must be a domain name such as example.org.")]
    return []


def _domains(name, value):
    if not isinstance(value, list | tuple) or not value:
        return [error("param_not_list", name, f"{name} must be a list of domain names.")]
    bad = [d for d in value if not is_domain(d)]
    if bad:
        return [error("param_domain", name, f"{name} has entries that are not domains: {bad!r}.")]
    return []


def _country(name, value):
    if not isinstance(value, str) or value.upper() not in phonenumbers.SUPPORTED_REGIONS:
        return [error("param_country", name, f"{name} must be a region code such as US or GB.")]
    return []


def _strings(name, value):
    if (
        not isinstance(value, list | tuple)
        or not value
        or not all(isinstance(v, str) and v.strip() for v in value)
    ):
        return [error("param_not_list", name, f"{name} must be a non-empty list of names.")]
    return []


def _count_between(minimum: int, maximum: int):
    def check(name, value):
        if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= maximum:
            return [
                error(
                    "param_not_count",
                    name,
                    f"{name} must be a whole number from {minimum} to {maximum}.",
                )
            ]
        return []

    return check


def _text(max_chars: int):
    def check(name, value):
        if not isinstance(value, str) or not value.strip():
            return [error("param_not_text", name, f"{name} must not be empty.")]
        if len(value) > max_chars:
            return [
                error(
                    "param_too_long",
                    name,
                    f"{name} must be at most {max_chars:,} characters ({len(value):,} now).",
                )
            ]
        return []

    return check


def _choice(options: Mapping):
    def check(name, value):
        if value not in options:
            return [error("param_choice", name, f"{name} must be one of: {', '.join(options)}.")]
        return []

    return check


def _options(options: Mapping, minimum: int):
    def check(name, value):
        if (
            not isinstance(value, list | tuple)
            or len(value) < minimum
            or any(not isinstance(v, str) or v not in options for v in value)
            or len(set(value)) != len(value)
        ):
            return [
                error(
                    "param_options",
                    name,
                    f"{name} must list at least {minimum} of: {', '.join(options)}, each once.",
                )
            ]
        return []

    return check


#: What a trainer may type as a paragraph or a line of an exercise's text (U).
PARAGRAPH_MAX = 2000
LINE_MAX = 100

CHECKERS = {
    "platform": _platform,
    "min_hashtags": _count(0),
    "max_hashtags": _count(1),
    "min_posts": _count(1),
    "max_posts": _count(1),
    "required_hashtags": _hashtags,
    "require_link": _bool,
    "require_official_source": _bool,
    "require_role": _bool,
    "require_specialty": _bool,
    "organisation_domain": _domain,
    "official_domains": _domains,
    "country": _country,
    "categories": _strings,
    "review": _text(PARAGRAPH_MAX),
    "reviewer": _text(LINE_MAX),
    "stars": _count_between(1, 5),
    "channel": _choice(CHANNELS),
    "organisation_name": _text(LINE_MAX),
    "mentions": _options(MENTIONS, limits.TRIAGE_MIN_MENTIONS),
}

#: How the studio's form asks for a parameter, one of INPUTS.
INPUTS = (
    "platform",
    "count",
    "yes_no",
    "hashtags",
    "domains",
    "names",
    "domain",
    "region",
    "paragraph",
    "line",
    "choice",
    "options",
)
_LIST_HELP = "Separate them with commas or new lines."


@dataclass(frozen=True)
class Setting:
    """A parameter described for people: what the studio's exercise form shows for it.

    `input` is one of INPUTS; `minimum` and `maximum` bound a "count"; `choices` are the
    (value, label) pairs of a "choice" (pick one) or "options" (tick several) input.
    """

    label: str
    help: str
    input: str
    minimum: int | None = None
    maximum: int | None = None
    choices: tuple[tuple[str, str], ...] = ()


#: One entry per parameter in CHECKERS (a test holds every kind's DEFAULTS to it).
SETTINGS = {
    "platform": Setting(
        "Platform", "The network the learner writes for; its length limit applies.", "platform"
    ),
    "min_hashtags": Setting(
        "Fewest hashtags", "The post needs at least this many (0 for none).", "count", 0
    ),
    "max_hashtags": Setting(
        "Most hashtags", "More hashtags than this is marked wrong.", "count", 1
    ),
    "min_posts": Setting("Fewest posts", "The thread needs at least this many posts.", "count", 1),
    "max_posts": Setting("Most posts", "The thread may have at most this many posts.", "count", 1),
    "required_hashtags": Setting(
        "Hashtags the post must include",
        f"With or without #, e.g. #FluShot. {_LIST_HELP} Leave empty for none.",
        "hashtags",
    ),
    "require_link": Setting("The post must include a link", "Any link counts.", "yes_no"),
    "require_official_source": Setting(
        "The post must link to an official source",
        "A health authority such as cdc.gov, or your organisation's domain below.",
        "yes_no",
    ),
    "require_role": Setting(
        "The headline must name the role", "For example Registered Nurse.", "yes_no"
    ),
    "require_specialty": Setting(
        "The headline must name the specialty", "For example Cardiology.", "yes_no"
    ),
    "organisation_domain": Setting(
        "Your organisation's domain", "Links to it count as official, e.g. example.org.", "domain"
    ),
    "official_domains": Setting(
        "Official sources",
        f"Domains whose links count as official, e.g. cdc.gov. {_LIST_HELP}",
        "domains",
    ),
    "country": Setting(
        "Country or region",
        "Two letters, e.g. US or GB: the Page's phone number must be valid there.",
        "region",
    ),
    "categories": Setting(
        "Page categories learners may choose",
        f"{_LIST_HELP} A name may contain / or & but no comma.",
        "names",
    ),
    "review": Setting(
        "The review",
        "The public review learners answer, as the reviewer wrote it. Invent it: never use "
        "a real patient's review.",
        "paragraph",
    ),
    "reviewer": Setting("Reviewer's name", "As the review site shows it, e.g. Jordan P.", "line"),
    "stars": Setting("Stars", "The review's rating, from 1 to 5.", "count", 1, 5),
    "channel": Setting(
        "Channel",
        "Where learners write: the note sent with a LinkedIn invitation (300 characters), or "
        "a post asking peers in a professional group.",
        "choice",
        choices=tuple(CHANNELS.items()),
    ),
    "organisation_name": Setting(
        "Organisation's name",
        "As the mentions in the feed name it, e.g. Riverside Health.",
        "line",
    ),
    "mentions": Setting(
        "Mentions in the feed",
        f"Tick the mentions learners triage (at least {limits.TRIAGE_MIN_MENTIONS}); they "
        "appear in this order.",
        "options",
        choices=tuple(
            (key, f"{m.about}: “{m.text.replace('{handle}', 'YourOrganisation')}”")
            for key, m in MENTIONS.items()
        ),
    ),
}


#: The most entries a list parameter takes, and the longest text of any entry or value: what
#: a trainer needs is a few hashtags or domains, and a file import must not store megabytes.
MAX_ENTRIES = 50
MAX_TEXT = 200


def _oversize(name, value) -> Finding | None:
    entries = list(value) if isinstance(value, list | tuple) else [value]
    if len(entries) > MAX_ENTRIES:
        return error("param_too_many", name, f"{name} takes at most {MAX_ENTRIES} entries.")
    if any(isinstance(v, str) and len(v) > MAX_TEXT for v in entries):
        return error(
            "param_too_long", name, f"{name}: each entry has at most {MAX_TEXT} characters."
        )
    return None


def check_params(defaults: Mapping, params, *, labels: Mapping | None = None) -> list[Finding]:
    """Findings for each bad or unknown parameter; `field` is the parameter name.

    Messages name a parameter by its name, or by `labels[name]` when given (the studio's form
    passes the labels trainers see next to each input).
    """
    if params is None:
        return []
    if not isinstance(params, Mapping):
        return [error("params_invalid", None, "Parameters must be a mapping of name to value.")]
    labels = labels or {}
    out: list[Finding] = []
    for name, value in params.items():
        if name not in defaults:
            known = ", ".join(sorted(defaults)) or "none"
            out.append(
                error("param_unknown", str(name), f"Unknown parameter {name!r}; known: {known}.")
            )
            continue
        shown = labels.get(name, name)
        if oversize := _oversize(shown, value):
            out.append(replace(oversize, field=name))
            continue
        out += [replace(f, field=name) for f in CHECKERS[name](shown, value)]
    merged = {**defaults, **params}
    for low, high in (("min_hashtags", "max_hashtags"), ("min_posts", "max_posts")):
        lo, hi = merged.get(low), merged.get(high)
        if (
            all(isinstance(v, int) and not isinstance(v, bool) for v in (lo, hi))
            and lo > hi
            and not any(f.field in (low, high) for f in out)
        ):
            low_shown, high_shown = labels.get(low, low), labels.get(high, high)
            out.append(
                error(
                    "param_min_over_max",
                    low,
                    f"{low_shown} ({lo}) is more than {high_shown} ({hi}).",
                )
            )
    return out


def coerce(defaults: Mapping, params) -> dict:
    """Defaults overlaid with the valid parameters.

    A bad value falls back to its default, except an unknown platform, which is a programmer
    error (ValueError).
    """
    merged = dict(defaults)
    if not isinstance(params, Mapping):
        return merged
    for name, value in params.items():
        if name not in defaults:
            continue
        if name == "platform" and value not in limits.PLATFORMS:
            raise ValueError(f"unknown platform {value!r}; expected one of {limits.PLATFORMS}")
        if not CHECKERS[name](name, value):
            merged[name] = list(value) if isinstance(value, tuple) else value
    return merged


_LIST_SEPARATORS = re.compile(r"[,\n]")


def setting_text(name: str, value):
    """A parameter's value as its form input shows it: text, or a bool for a checkbox."""
    kind = SETTINGS[name].input
    if kind == "yes_no":
        return bool(value)
    if kind == "options":
        return [str(v) for v in value] if isinstance(value, list | tuple) else []
    if isinstance(value, list | tuple):
        return ", ".join(map(str, value)) if kind == "hashtags" else "\n".join(map(str, value))
    return "" if value is None else str(value)


def setting_value(name: str, typed):
    """What a trainer typed into a parameter's input, as the value `check_params` checks.

    Whole numbers become int, lists split at commas and new lines; what cannot be converted
    is passed on as typed so that the parameter's checker says what is wrong with it.
    """
    kind = SETTINGS[name].input
    if kind == "yes_no":
        return bool(typed)
    if kind == "options":
        # Ticked boxes, in the order of the setting's choices whatever order they came in.
        ticked = set(typed) if isinstance(typed, list | tuple) else {typed}
        return [value for value, _ in SETTINGS[name].choices if value in ticked]
    text = "" if typed is None else str(typed).strip()
    if kind == "count":
        return int(text) if re.fullmatch(r"[+-]?\d{1,9}", text) else text
    if kind in ("hashtags", "domains", "names"):
        entries = [entry.strip() for entry in _LIST_SEPARATORS.split(text)]
        return [e.lower() if kind == "domains" else e for e in entries if e]
    if kind == "domain":
        return text.lower()
    if kind == "region":
        return text.upper()
    if kind == "paragraph":
        return text.replace("\r\n", "\n")
    return text


def read_settings(defaults: Mapping, typed: Mapping) -> tuple[dict, list[Finding]]:
    """Every parameter of a kind from what was typed into its inputs.

    A missing one keeps its default; the findings of `check_params` are worded with the
    inputs' labels.
    """
    values = {
        name: setting_value(name, typed[name]) if name in typed else defaults[name]
        for name in defaults
    }
    labels = {name: SETTINGS[name].label for name in defaults}
    return values, check_params(defaults, values, labels=labels)


def changed_params(defaults: Mapping, values: Mapping) -> dict:
    """The parameters whose value differs from the kind's default: what an exercise stores."""
    return {name: value for name, value in values.items() if defaults.get(name) != value}
