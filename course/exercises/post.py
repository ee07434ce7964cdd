"""The `post` exercise: write a post for X, LinkedIn or Facebook with hashtag rules."""

from __future__ import annotations

from . import limits
from .answers import phi_findings, read_text
from .findings import Finding, error, warning
from .hashtags import extract_hashtags, hashtag_problems
from .length import max_length, parse_x, post_length
from .links import find_links, is_official
from .params import normalise_tag

DEFAULTS = {
    "platform": "x",
    "min_hashtags": limits.POST_DEFAULT_MIN_HASHTAGS,
    "max_hashtags": limits.POST_DEFAULT_MAX_HASHTAGS,
    "required_hashtags": [],
    "require_link": False,
    "require_official_source": False,
    "organisation_domain": "example.org",
}


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def describe(params: dict) -> list[str]:
    platform = limits.PLATFORM_LABELS[params["platform"]]
    limit = max_length(params["platform"])
    rules = [f"Write one post for {platform} of at most {limit:,} characters."]
    if params["platform"] == "x":
        rules.append("X counts every link as 23 characters and most emoji and CJK characters as 2.")
    lo, hi = params["min_hashtags"], params["max_hashtags"]
    rules.append(f"Use between {lo} and {hi} hashtags, written without spaces or hyphens.")
    if params["required_hashtags"]:
        tags = ", ".join("#" + normalise_tag(t) for t in params["required_hashtags"])
        rules.append(f"Include these hashtags: {tags}.")
    if params["require_official_source"]:
        rules.append(
            "Link to an official source: a health authority such as cdc.gov or who.int, "
            f"or your organisation's site ({params['organisation_domain']})."
        )
    elif params["require_link"]:
        rules.append("Include a link.")
    rules.append("Leave out anything that could identify a patient.")
    return rules


def check_length(text: str, field: str, platform: str, label: str = "Your post") -> list[Finding]:
    """Errors when `text` is over the platform's limit or has characters X rejects."""
    length, limit = post_length(text, platform), max_length(platform)
    out = []
    if length > limit:
        how = " as X counts it (each link 23, most emoji 2)" if platform == "x" else ""
        out.append(
            error(
                "post_too_long",
                field,
                f"{label} is {length:,} characters{how}; the limit is {limit:,}. "
                f"Shorten it by {length - limit:,}.",
            )
        )
    if platform == "x" and any(c in text for c in "\ufffe\ufeff\uffff"):
        out.append(
            error(
                "post_invalid_character",
                field,
                f"{label} contains an invisible character X rejects (U+FEFF, U+FFFE or U+FFFF); "
                "retype the post instead of pasting it.",
            )
        )
    return out


def check_hashtag_form(text: str, field: str) -> list[Finding]:
    """Findings for would-be hashtags X reads differently from what the writer meant."""
    out = []
    for p in hashtag_problems(text):
        if p.code == "hashtag_truncated":
            out.append(
                error(
                    p.code,
                    field,
                    f"#{p.written} will be read as #{p.read_as}; write #{p.suggestion}.",
                )
            )
        elif p.code == "hashtag_space":
            out.append(
                error(
                    p.code,
                    field,
                    f"'{p.written}' is not a hashtag because of the space; write #{p.suggestion}.",
                )
            )
        elif p.code == "hashtag_no_letter":
            # "#1" is often "number one"; a longer number is a failed hashtag.
            make = warning if len(p.written) <= 2 else error
            out.append(
                make(
                    p.code,
                    field,
                    f"#{p.written} is not a hashtag: a hashtag needs at least one letter. "
                    f"Add a word (e.g. #Flu{p.written}) or remove the #.",
                )
            )
        else:
            out.append(
                error(
                    p.code,
                    field,
                    f"#{p.written} is not a hashtag because it is stuck to the word before it; "
                    "put a space before the #.",
                )
            )
    return out


def check_hashtag_rules(text: str, field: str, params: dict) -> list[Finding]:
    tags = extract_hashtags(text)
    distinct = list(dict.fromkeys(t.casefold() for t in tags))
    out = []
    lo, hi = params["min_hashtags"], params["max_hashtags"]
    if len(distinct) < lo:
        out.append(
            error(
                "hashtag_too_few",
                field,
                f"Your post has {_plural(len(distinct), 'hashtag')}; use at least {lo}.",
            )
        )
    if len(distinct) > hi:
        out.append(
            error(
                "hashtag_too_many",
                field,
                f"Your post has {_plural(len(distinct), 'hashtag')}; use at most {hi}. "
                "Keep the ones people actually search for.",
            )
        )
    if len(tags) > len(distinct):
        out.append(warning("hashtag_repeated", field, "A hashtag appears twice; once is enough."))
    for required in params["required_hashtags"]:
        tag = normalise_tag(required)
        if tag.casefold() not in distinct:
            out.append(
                error("hashtag_missing", field, f"Add the hashtag #{tag} (spelled exactly so).")
            )
    return out


def check_links(text: str, field: str, params: dict) -> list[Finding]:
    links = find_links(text)
    org = params["organisation_domain"]
    if params["require_official_source"]:
        if not any(is_official(link.host, org) for link in links):
            return [
                error(
                    "official_source_missing",
                    field,
                    "Add a link to an official source, such as https://www.cdc.gov/flu or "
                    f"your organisation's site (https://{org}).",
                )
            ]
    elif params["require_link"] and not links:
        return [error("link_missing", field, "Add a link where readers can find out more.")]
    return []


def validate(answer, params: dict) -> list[Finding]:
    text, out = read_text(answer, "text", "Your post")
    if not text.strip():
        return [*out, error("post_empty", "text", "Your post is empty. Write the post first.")]
    platform = params["platform"]
    out += check_length(text, "text", platform)
    if platform == "x" and not parse_x(text).valid and not out:
        out.append(error("post_invalid", "text", "X would not accept this post; retype it."))
    out += check_hashtag_form(text, "text")
    out += check_hashtag_rules(text, "text", params)
    out += check_links(text, "text", params)
    out += phi_findings(
        text, "text", "your post", organisation_domain=params["organisation_domain"]
    )
    return out
