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


def _case_matters(tag: str) -> bool:
    # X matches hashtags in any capitals; a required tag the trainer wrote with capitals
    # (#FluShot) must be written so, as the lesson teaches; one in small letters takes any.
    return any(ch.isupper() for ch in tag)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def describe(params: dict) -> list[str]:
    """The rules of a post exercise in plain sentences, from its merged `params`.

    Length limits come from `limits` (X: twitter-text's config v3; LinkedIn and Facebook:
    secondary sources); hashtag counts and required hashtags, links and
    the organisation's domain from the trainer's settings.
    """
    platform = limits.PLATFORM_LABELS[params["platform"]]
    limit = max_length(params["platform"])
    rules = [f"Write one post for {platform} of at most {limit:,} characters."]
    if params["platform"] == "x":
        rules.append("X counts every link as 23 characters and most emoji and CJK characters as 2.")
    lo, hi = params["min_hashtags"], params["max_hashtags"]
    rules.append(f"Use between {lo} and {hi} hashtags, written without spaces or hyphens.")
    if params["required_hashtags"]:
        tags = [normalise_tag(t) for t in params["required_hashtags"]]
        exact = [_case_matters(t) for t in tags]
        listed = ", ".join("#" + t for t in tags)
        if all(exact):
            rules.append(f"Include these hashtags, capitalised as shown: {listed}.")
        elif not any(exact):
            rules.append(f"Include these hashtags (capitals may differ): {listed}.")
        else:
            listed = ", ".join(
                f"#{t} ({'capitalised as shown' if e else 'capitals may differ'})"
                for t, e in zip(tags, exact, strict=True)
            )
            rules.append(f"Include these hashtags: {listed}.")
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
    """Findings on how many hashtags the post has and whether the required ones are there."""
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
        written = [t for t in tags if t.casefold() == tag.casefold()]
        if not written:
            how = "capitalised as shown" if _case_matters(tag) else "capitals may differ"
            out.append(error("hashtag_missing", field, f"Add the hashtag #{tag} ({how})."))
        elif _case_matters(tag) and tag not in written:
            out.append(
                error(
                    "hashtag_case",
                    field,
                    f"Write #{written[0]} as #{tag}, capitalised as shown: X finds both, but "
                    "a capital at the start of each word lets every reader, and screen "
                    "readers, see the words.",
                )
            )
    return out


def check_links(text: str, field: str, params: dict) -> list[Finding]:
    """An error when the settings ask for a link (or an official source) and none is there."""
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
    """Findings for a post: `answer` is {"text": the post}; `params` are DEFAULTS merged.

    Errors: post_empty, post_too_long, post_invalid_character, post_invalid (X refuses it),
    hashtag_truncated / hashtag_space / hashtag_in_word / hashtag_no_letter (a would-be
    hashtag X reads otherwise; a one-digit "#1" is only a warning), hashtag_too_few,
    hashtag_too_many, hashtag_missing, hashtag_case (a required hashtag with other capitals),
    link_missing, official_source_missing, field_invalid / field_too_long_to_check, and
    phi_<kind> for patient information (warnings for the organisation's public contacts).
    Warnings: hashtag_repeated. Sources: twitter-text (length, hashtags, links), HIPAA Safe
    Harbor, 45 CFR 164.514(b)(2) (PHI).
    """
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
